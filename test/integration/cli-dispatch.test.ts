/**
 * `dun dispatch pause|resume` against AWS: the dispatcher's EventBridge Scheduler schedule is
 * switched through its State. UpdateSchedule replaces the whole schedule, so the update must carry
 * every field GetSchedule gave, or the schedule would lose its target, time zone or window.
 */
import {
  GetScheduleCommand,
  type GetScheduleCommandOutput,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { EXIT } from "../../functions/cli/command.ts";
import { setScheduleState } from "../../functions/cli/dispatch.ts";
import { runCommand } from "../../functions/cli/run.ts";
import { terminal } from "../support/cli.ts";

const scheduler = mockClient(SchedulerClient);
const NOW = new Date("2026-11-20T10:00:00Z");

const TARGET = {
  Arn: "arn:aws:lambda:eu-north-1:123456789012:function:dun-dispatcher",
  RoleArn: "arn:aws:iam::123456789012:role/dun-scheduler",
  Input: '{"source":"tick"}',
  RetryPolicy: { MaximumEventAgeInSeconds: 300, MaximumRetryAttempts: 2 },
  DeadLetterConfig: { Arn: "arn:aws:sqs:eu-north-1:123456789012:dun-tick-dlq" },
};

/** The schedule as GetSchedule describes it, with the fields UpdateSchedule does not take. */
function schedule(
  overrides: Partial<GetScheduleCommandOutput> = {},
): Omit<GetScheduleCommandOutput, "$metadata"> {
  return {
    Arn: "arn:aws:scheduler:eu-north-1:123456789012:schedule/dun/dun-tick",
    Name: "dun-tick",
    GroupName: "dun",
    ScheduleExpression: "rate(5 minutes)",
    ScheduleExpressionTimezone: "Europe/Oslo",
    Description: "dun's dispatcher tick",
    State: "ENABLED",
    KmsKeyArn: "arn:aws:kms:eu-north-1:123456789012:key/1234",
    Target: TARGET,
    FlexibleTimeWindow: { Mode: "OFF" },
    ActionAfterCompletion: "NONE",
    StartDate: new Date("2026-01-01T00:00:00Z"),
    EndDate: new Date("2030-01-01T00:00:00Z"),
    CreationDate: new Date("2026-01-01T00:00:00Z"),
    LastModificationDate: new Date("2026-06-01T00:00:00Z"),
    ...overrides,
  };
}

beforeEach(() => {
  scheduler.reset();
});

describe("dun dispatch pause, in AWS", () => {
  it("disables the schedule, sending back every field GetSchedule gave", async () => {
    // Prepare
    scheduler.on(GetScheduleCommand).resolves(schedule());
    scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: schedule().Arn });
    const io = terminal();

    // Act
    await setScheduleState(
      { scheduler: new SchedulerClient({}), terminal: io, now: () => NOW },
      { schedule: "dun-tick", group: "dun" },
      true,
    );

    // Assess
    expect(scheduler.commandCalls(GetScheduleCommand)[0]?.args[0].input).toEqual({
      Name: "dun-tick",
      GroupName: "dun",
    });
    const updates = scheduler.commandCalls(UpdateScheduleCommand);
    expect(updates).toHaveLength(1);
    expect(updates[0]?.args[0].input).toEqual({
      Name: "dun-tick",
      GroupName: "dun",
      ScheduleExpression: "rate(5 minutes)",
      ScheduleExpressionTimezone: "Europe/Oslo",
      Description: "dun's dispatcher tick",
      KmsKeyArn: "arn:aws:kms:eu-north-1:123456789012:key/1234",
      Target: TARGET,
      FlexibleTimeWindow: { Mode: "OFF" },
      ActionAfterCompletion: "NONE",
      // A start in the past is refused by the Scheduler, and changes nothing any more.
      StartDate: undefined,
      EndDate: new Date("2030-01-01T00:00:00Z"),
      State: "DISABLED",
    });
    expect(io.out.text).toBe(
      "schedule dun-tick (group dun) is now DISABLED: the dispatcher tick does not run, and no reminder goes out until `dun dispatch resume`\n",
    );
  });

  it("enables it again, keeping a start date that still lies ahead", async () => {
    // Prepare
    const start = new Date("2027-01-01T00:00:00Z");
    scheduler.on(GetScheduleCommand).resolves(schedule({ State: "DISABLED", StartDate: start }));
    scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: schedule().Arn });
    const io = terminal({ json: true });

    // Act
    await setScheduleState(
      { scheduler: new SchedulerClient({}), terminal: io, now: () => NOW },
      { schedule: "dun-tick" },
      false,
    );

    // Assess
    expect(scheduler.commandCalls(UpdateScheduleCommand)[0]?.args[0].input).toMatchObject({
      Name: "dun-tick",
      GroupName: "dun",
      StartDate: start,
      Target: TARGET,
      State: "ENABLED",
    });
    expect(JSON.parse(io.out.text)).toEqual({
      paused: false,
      schedule: "dun-tick",
      group: "dun",
      state: "ENABLED",
      changed: true,
    });
  });

  it("changes nothing when the schedule is already in that state", async () => {
    scheduler.on(GetScheduleCommand).resolves(schedule({ State: "DISABLED" }));
    const io = terminal();
    await setScheduleState(
      { scheduler: new SchedulerClient({}), terminal: io },
      { schedule: "dun-tick" },
      true,
    );
    expect(scheduler.commandCalls(UpdateScheduleCommand)).toHaveLength(0);
    expect(io.out.text).toBe("schedule dun-tick was already DISABLED; nothing changed\n");
  });

  it("names the schedule it could not find, with exit code 3", async () => {
    // Prepare
    scheduler.on(GetScheduleCommand).rejects(
      new ResourceNotFoundException({
        message: "Schedule dun-tick does not exist.",
        Message: "Schedule dun-tick does not exist.",
        $metadata: {},
      }),
    );
    const io = terminal();

    // Act
    const code = await runCommand(io, () =>
      setScheduleState({ scheduler: new SchedulerClient({}), terminal: io }, { schedule: "dun-tick" }, true),
    );

    // Assess
    expect(code).toBe(EXIT.refused);
    expect(io.err.text).toBe(
      "dun: no schedule dun-tick: check --schedule (or DUN_SCHEDULE_NAME), --schedule-group and AWS_REGION\n",
    );
    expect(scheduler.commandCalls(UpdateScheduleCommand)).toHaveLength(0);
  });
});
