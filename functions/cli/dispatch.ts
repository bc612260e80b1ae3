/**
 * `dun dispatch pause|resume`: the kill switch. While paused, the dispatcher tick does not run,
 * so no reminder goes out; invoices keep their places on the ladder and nothing is lost: on resume,
 * what fell due meanwhile goes out at the next tick, in business hours as ever.
 *
 * In AWS the tick is an EventBridge Scheduler schedule, switched off and on through its State. In
 * local mode it is local mode's own timer, switched through its local-only route.
 */
import {
  GetScheduleCommand,
  type GetScheduleCommandOutput,
  type SchedulerClient,
  SchedulerServiceException,
  UpdateScheduleCommand,
  type UpdateScheduleCommandInput,
} from "@aws-sdk/client-scheduler";
import { ApiError, type DunApi } from "./api-client.ts";
import { type ApiLocation, isLoopback } from "./api-location.ts";
import { CliError, EXIT, type Terminal, UsageError, writeJson } from "./command.ts";

export type DispatchTarget =
  | { kind: "local"; location: ApiLocation }
  | { kind: "aws"; schedule: string; group?: string };

export type DispatchOptions = { aws?: boolean; schedule?: string; scheduleGroup?: string };

/**
 * Local mode when the API is on this machine and nothing says AWS; the Scheduler otherwise: with
 * --aws or --schedule, or when the API is a deployed one.
 */
export function dispatchTargetOf(
  options: DispatchOptions,
  location: ApiLocation | undefined,
  env: NodeJS.ProcessEnv = process.env,
): DispatchTarget {
  const local = location !== undefined && isLoopback(location.url);
  if (!options.aws && options.schedule === undefined && local) return { kind: "local", location };
  const schedule = options.schedule ?? nonEmpty(env.DUN_SCHEDULE_NAME);
  if (schedule === undefined) {
    throw new UsageError(
      options.aws || location !== undefined
        ? `name the dispatcher's EventBridge Scheduler schedule: pass --schedule NAME or set DUN_SCHEDULE_NAME${
            location && !options.aws ? ` (the API at ${location.url} is not local mode)` : ""
          }`
        : "no local mode to pause: start it with `npm start`, or pass --aws --schedule NAME for a deployed stack",
    );
  }
  const group = options.scheduleGroup ?? nonEmpty(env.DUN_SCHEDULE_GROUP);
  return { kind: "aws", schedule, ...(group === undefined ? {} : { group }) };
}

export async function setLocalDispatch(
  deps: { api: Pick<DunApi, "setLocalDispatch">; terminal: Terminal },
  paused: boolean,
): Promise<void> {
  let answer: { paused: boolean };
  try {
    answer = await deps.api.setLocalDispatch(paused);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      throw new CliError(
        "this API has no local dispatcher switch (it is not local mode): for a deployed stack, pass --aws --schedule NAME",
        EXIT.refused,
      );
    }
    throw error;
  }
  const { out, json } = deps.terminal;
  if (json) return writeJson(out, answer);
  out.write(
    answer.paused
      ? "dispatch paused: local mode's dispatcher tick sends nothing until `dun dispatch resume`\n"
      : "dispatch resumed: what is due goes out at the next tick\n",
  );
}

export type ScheduleDeps = {
  scheduler: Pick<SchedulerClient, "send">;
  terminal: Terminal;
  now?: () => Date;
};

/**
 * Sets the schedule's State. UpdateSchedule replaces the whole schedule, and a field left out is
 * reset to its default, so every field GetSchedule gave is sent back as it was, the State aside.
 */
export async function setScheduleState(
  deps: ScheduleDeps,
  target: { schedule: string; group?: string },
  paused: boolean,
): Promise<void> {
  const state = paused ? "DISABLED" : "ENABLED";
  const { out, json } = deps.terminal;
  const where = `schedule ${target.schedule}${target.group ? ` (group ${target.group})` : ""}`;
  const current = await aws(where, () =>
    deps.scheduler.send(new GetScheduleCommand({ Name: target.schedule, GroupName: target.group })),
  );
  const changed = current.State !== state;
  if (changed) {
    await aws(where, () =>
      deps.scheduler.send(
        new UpdateScheduleCommand(updateOf(current, target, state, deps.now?.() ?? new Date())),
      ),
    );
  }
  if (json) {
    return writeJson(out, {
      paused,
      schedule: target.schedule,
      group: current.GroupName ?? target.group ?? "default",
      state,
      changed,
    });
  }
  const meaning = paused
    ? "the dispatcher tick does not run, and no reminder goes out until `dun dispatch resume`"
    : "the dispatcher tick runs again, and what fell due goes out at its next run";
  out.write(
    changed ? `${where} is now ${state}: ${meaning}\n` : `${where} was already ${state}; nothing changed\n`,
  );
}

function updateOf(
  current: GetScheduleCommandOutput,
  target: { schedule: string; group?: string },
  state: "ENABLED" | "DISABLED",
  now: Date,
): UpdateScheduleCommandInput {
  return {
    Name: current.Name ?? target.schedule,
    GroupName: current.GroupName ?? target.group,
    ScheduleExpression: current.ScheduleExpression,
    ScheduleExpressionTimezone: current.ScheduleExpressionTimezone,
    // The Scheduler refuses a StartDate more than 5 minutes past, and one that has passed changes
    // nothing any more: it is sent back only while it lies ahead.
    StartDate: current.StartDate && current.StartDate > now ? current.StartDate : undefined,
    EndDate: current.EndDate,
    Description: current.Description,
    KmsKeyArn: current.KmsKeyArn,
    Target: current.Target,
    FlexibleTimeWindow: current.FlexibleTimeWindow,
    ActionAfterCompletion: current.ActionAfterCompletion,
    State: state,
  };
}

/** An AWS refusal as the user reads it: exit code 3, with what AWS said. */
async function aws<T>(where: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof SchedulerServiceException) {
      const why =
        error.name === "ResourceNotFoundException"
          ? `no ${where}: check --schedule (or DUN_SCHEDULE_NAME), --schedule-group and AWS_REGION`
          : `AWS refused to change ${where}: ${error.name}: ${error.message}`;
      throw new CliError(why, EXIT.refused);
    }
    if (error instanceof Error && error.name === "CredentialsProviderError") {
      throw new CliError(`no AWS credentials to change ${where} with: ${error.message}`);
    }
    throw error;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
