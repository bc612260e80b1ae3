/**
 * How local mode hears its stop signals, with an EventEmitter for `process`: the first signal asks
 * for a graceful stop, the second (npm passing the same Ctrl-C on) is ignored, the third exits at
 * once with 130, and until the handlers are removed no signal is left to the default action.
 */
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { catchStopSignals, EXIT_INTERRUPTED } from "../../functions/cli/stop-signals.ts";
import { output } from "../support/cli.ts";

function fakeProcess() {
  const signals = new EventEmitter();
  const exits: number[] = [];
  const err = output();
  return { signals, exits, err, deps: { signals, exit: (code: number) => exits.push(code), err } };
}

/** Whether a promise has settled, after the microtasks queued so far have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe("local mode's stop signals", () => {
  it("are listened to from the start, and nothing is asked before a signal comes", async () => {
    // Prepare
    const { signals, deps } = fakeProcess();

    // Act
    const stop = catchStopSignals(deps);

    // Assess
    expect(signals.listenerCount("SIGINT")).toBe(1);
    expect(signals.listenerCount("SIGTERM")).toBe(1);
    expect(stop.stopping).toBe(false);
    expect(await settled(stop.requested)).toBe(false);
  });

  it("ask for a graceful stop at the first SIGINT, and stay listened to", async () => {
    // Prepare
    const { signals, exits, deps } = fakeProcess();
    const stop = catchStopSignals(deps);

    // Act
    signals.emit("SIGINT");

    // Assess
    expect(await stop.requested).toBe("SIGINT");
    expect(stop.stopping).toBe(true);
    expect(exits).toEqual([]);
    // With no listener left, a second SIGINT would get the default action: killed, exit 130.
    expect(signals.listenerCount("SIGINT")).toBe(1);
  });

  it("ask for the same stop at SIGTERM", async () => {
    // Prepare
    const { signals, exits, deps } = fakeProcess();
    const stop = catchStopSignals(deps);

    // Act
    signals.emit("SIGTERM");

    // Assess
    expect(await stop.requested).toBe("SIGTERM");
    expect(exits).toEqual([]);
  });

  it("ignore a second signal while stopping: one Ctrl-C under npm start arrives twice", async () => {
    // Prepare
    const { signals, exits, err, deps } = fakeProcess();
    const stop = catchStopSignals(deps);

    // Act: the terminal's SIGINT to the process group, then the one npm passes on.
    signals.emit("SIGINT");
    signals.emit("SIGINT");

    // Assess
    expect(await stop.requested).toBe("SIGINT");
    expect(exits).toEqual([]);
    expect(err.text).toBe("");
  });

  it("exit at once with 130 at a third signal, a second Ctrl-C", () => {
    // Prepare
    const { signals, exits, err, deps } = fakeProcess();
    catchStopSignals(deps);

    // Act
    signals.emit("SIGINT");
    signals.emit("SIGINT");
    signals.emit("SIGTERM");

    // Assess
    expect(exits).toEqual([EXIT_INTERRUPTED]);
    expect(EXIT_INTERRUPTED).toBe(130);
    expect(err.text).toBe("\ndun: stopped at once, before it had closed everything.\n");
  });

  it("leave the signals to the default action again once removed", () => {
    // Prepare
    const { signals, deps } = fakeProcess();
    const stop = catchStopSignals(deps);

    // Act
    stop.remove();

    // Assess
    expect(signals.listenerCount("SIGINT")).toBe(0);
    expect(signals.listenerCount("SIGTERM")).toBe(0);
  });
});
