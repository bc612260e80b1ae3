/**
 * How local mode hears Ctrl-C and SIGTERM. The handlers are installed before local mode starts
 * anything, so a signal during start-up stops it too, once it has something to stop.
 *
 * The first signal asks for a graceful stop. One Ctrl-C in a terminal can arrive twice: the
 * terminal signals the whole foreground process group, and `npm start` passes the SIGINT it got
 * on to its child as well. So a second signal while stopping is ignored, and only a third (a
 * second Ctrl-C) exits at once, with 130 as a shell reports a Ctrl-C'd command. With no handler
 * left, the default action would kill the process before it says "dun: stopped.", which is why
 * these stay installed (`process.on`, not `once`) until the stop is done.
 */

export const STOP_SIGNALS = ["SIGINT", "SIGTERM"] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** The exit code of a process ended by Ctrl-C: 128 + SIGINT's number, 2. */
export const EXIT_INTERRUPTED = 130;

/** Where signals come from: `process`, or a plain EventEmitter in a test. */
export type SignalSource = {
  on(signal: StopSignal, listener: () => void): unknown;
  off(signal: StopSignal, listener: () => void): unknown;
};

export type StopSignalDeps = {
  signals?: SignalSource;
  /** Ends the process at once; `process.exit` outside the tests. */
  exit?: (code: number) => void;
  err?: { write(text: string): unknown };
};

export type StopSignals = {
  /** Settles at the first signal, with that signal; never, if none comes. */
  requested: Promise<StopSignal>;
  /** Whether a signal has come, for what need not start once a stop is asked for. */
  readonly stopping: boolean;
  /** Takes the handlers off again: the stop is done, or there is nothing to stop. */
  remove(): void;
};

export function catchStopSignals(deps: StopSignalDeps = {}): StopSignals {
  const { signals = process, exit = (code: number) => process.exit(code), err = process.stderr } = deps;
  let heard = 0;
  let request: (signal: StopSignal) => void = () => {};
  const requested = new Promise<StopSignal>((resolve) => {
    request = resolve;
  });
  const listeners = STOP_SIGNALS.map((signal) => {
    const listener = () => {
      heard += 1;
      if (heard === 1) request(signal);
      else if (heard >= 3) {
        err.write("\ndun: stopped at once, before it had closed everything.\n");
        exit(EXIT_INTERRUPTED);
      }
      // The second is the same Ctrl-C again, passed on by npm: the stop under way is the answer.
    };
    signals.on(signal, listener);
    return { signal, listener };
  });
  return {
    requested,
    get stopping() {
      return heard > 0;
    },
    remove: () => {
      for (const { signal, listener } of listeners) signals.off(signal, listener);
    },
  };
}
