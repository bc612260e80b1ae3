/**
 * `dun redrive send|events|tick` against AWS, mocked: SQS moves the send and events dead letters
 * back to their source queues; the tick's dead letters go through the dispatcher and are deleted
 * only once it has run with them.
 */
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  DeleteMessageCommand,
  ListMessageMoveTasksCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { EXIT } from "../../functions/cli/command.ts";
import {
  deadLetterQueueArnOf,
  moveDeadLetters,
  replayTicks,
  showMoveStatus,
  tickRedriveOf,
} from "../../functions/cli/redrive.ts";
import { runCommand } from "../../functions/cli/run.ts";
import { terminal } from "../support/cli.ts";

const sqs = mockClient(SQSClient);
const lambda = mockClient(LambdaClient);
const SEND_DLQ = "arn:aws:sqs:eu-north-1:123456789012:DunDev-SendingDeadLetterQueue-AbC123";
const TICK_DLQ = "https://sqs.eu-north-1.amazonaws.com/123456789012/DunDev-DispatchDeadLetterQueue-XyZ789";
const DISPATCHER = "DunDev-DispatchFunction-Qw3rTy";
const TICK = { queueUrl: TICK_DLQ, functionName: DISPATCHER };

const decoded = (payload: unknown) => new TextDecoder().decode(payload as Uint8Array);
/** A Lambda answer's payload, as the SDK gives it: bytes that can also say themselves as text. */
const encoded = (text: string) =>
  Object.assign(new TextEncoder().encode(text), { transformToString: () => text });

beforeEach(() => {
  sqs.reset();
  lambda.reset();
});

describe("where the dead-letter queues are", () => {
  it("takes the option, else the environment variable the stack's output names", () => {
    expect(deadLetterQueueArnOf("send", SEND_DLQ, {})).toBe(SEND_DLQ);
    expect(deadLetterQueueArnOf("events", undefined, { DUN_EVENTS_DLQ_ARN: ` ${SEND_DLQ} ` })).toBe(SEND_DLQ);
    expect(tickRedriveOf({}, { DUN_TICK_DLQ_URL: TICK_DLQ, DUN_DISPATCHER_FUNCTION: DISPATCHER })).toEqual(
      TICK,
    );
    expect(
      tickRedriveOf({ dlqUrl: TICK_DLQ, function: "other" }, { DUN_DISPATCHER_FUNCTION: DISPATCHER }),
    ).toEqual({
      queueUrl: TICK_DLQ,
      functionName: "other",
    });
  });

  it("is a usage error, naming the option, the variable and the output, when nothing says", () => {
    expect(() => deadLetterQueueArnOf("events", undefined, {})).toThrow(
      "pass --dlq-arn ARN or set DUN_EVENTS_DLQ_ARN (the stack's EventsDeadLetterQueueArn output)",
    );
    expect(() => deadLetterQueueArnOf("send", TICK_DLQ, {})).toThrow(/is not an SQS queue ARN/);
    expect(() => tickRedriveOf({ dlqUrl: TICK_DLQ }, {})).toThrow(
      "pass --function NAME or set DUN_DISPATCHER_FUNCTION (the stack's DispatcherFunctionName output)",
    );
  });
});

describe("dun redrive send|events", () => {
  it("starts SQS moving the dead letters back to the queue they came from, and says how many", async () => {
    // Prepare
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: "task-1" });
    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [{ TaskHandle: "task-1", Status: "RUNNING", ApproximateNumberOfMessagesToMove: 3 }],
    });
    const io = terminal();

    // Act
    await moveDeadLetters({ sqs: new SQSClient({}), terminal: io }, "send", SEND_DLQ);

    // Assess: no destination, so each message goes back to its own source queue.
    expect(sqs.commandCalls(StartMessageMoveTaskCommand).map((call) => call.args[0].input)).toEqual([
      { SourceArn: SEND_DLQ },
    ]);
    expect(sqs.commandCalls(ListMessageMoveTasksCommand)[0]?.args[0].input).toEqual({
      SourceArn: SEND_DLQ,
      MaxResults: 1,
    });
    expect(io.out.text).toBe(
      `moving 3 messages of the send dead-letter queue (${SEND_DLQ}) back to the send queue; \`dun redrive send --status\` shows how far it got\n`,
    );
  });

  it("moves at the rate asked for, and answers in JSON", async () => {
    // Prepare
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: "task-2" });
    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [{ Status: "RUNNING", ApproximateNumberOfMessagesToMove: 40 }],
    });
    const io = terminal({ json: true });

    // Act
    await moveDeadLetters({ sqs: new SQSClient({}), terminal: io }, "events", SEND_DLQ, { rate: 5 });

    // Assess
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]?.args[0].input).toEqual({
      SourceArn: SEND_DLQ,
      MaxNumberOfMessagesPerSecond: 5,
    });
    expect(JSON.parse(io.out.text)).toEqual({
      queue: "events",
      deadLetterQueueArn: SEND_DLQ,
      taskHandle: "task-2",
      status: "RUNNING",
      messagesToMove: 40,
    });
  });

  it("shows how far the latest redrive got, and that there was none", async () => {
    // Prepare
    sqs
      .on(ListMessageMoveTasksCommand)
      .resolvesOnce({
        Results: [
          {
            Status: "FAILED",
            ApproximateNumberOfMessagesMoved: 2,
            ApproximateNumberOfMessagesToMove: 3,
            FailureReason: "AWS.SimpleQueueService.NonExistentQueue",
          },
        ],
      })
      .resolvesOnce({ Results: [] });
    const io = terminal();

    // Act
    await showMoveStatus({ sqs: new SQSClient({}), terminal: io }, "send", SEND_DLQ);
    await showMoveStatus({ sqs: new SQSClient({}), terminal: io }, "send", SEND_DLQ);

    // Assess
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
    expect(io.out.text).toBe(
      `redrive of the send dead-letter queue (${SEND_DLQ}): FAILED, 2 of 3 moved; AWS.SimpleQueueService.NonExistentQueue\n` +
        `no redrive of the send dead-letter queue (${SEND_DLQ}) has run lately\n`,
    );
  });

  it("exits with 3 and what AWS said when SQS refuses", async () => {
    // Prepare
    sqs
      .on(StartMessageMoveTaskCommand)
      .rejects(new QueueDoesNotExist({ message: "The specified queue does not exist.", $metadata: {} }));
    const io = terminal();

    // Act
    const code = await runCommand(io, () =>
      moveDeadLetters({ sqs: new SQSClient({}), terminal: io }, "send", SEND_DLQ),
    );

    // Assess
    expect(code).toBe(EXIT.refused);
    expect(io.err.text).toBe(
      `dun: the send dead-letter queue (${SEND_DLQ}) does not exist: check the name given (or its environment variable) and AWS_REGION\n`,
    );
  });
});

describe("dun redrive tick", () => {
  it("hands each dead-lettered tick to the dispatcher as its payload, then deletes it", async () => {
    // Prepare: two ticks in one receive, then an empty queue.
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        Messages: [
          { MessageId: "a", ReceiptHandle: "ra", Body: "{}" },
          { MessageId: "b", ReceiptHandle: "rb", Body: "not json" },
        ],
      })
      .resolves({ Messages: [] });
    sqs.on(DeleteMessageCommand).resolves({});
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: encoded('{"due":0,"pages":1}') });
    const io = terminal();

    // Act
    await replayTicks({ sqs: new SQSClient({}), lambda: new LambdaClient({}), terminal: io }, TICK);

    // Assess
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input).toMatchObject({
      QueueUrl: TICK_DLQ,
      MaxNumberOfMessages: 10,
    });
    const invocations = lambda.commandCalls(InvokeCommand).map((call) => call.args[0].input);
    expect(
      invocations.map((input) => [input.FunctionName, input.InvocationType, decoded(input.Payload)]),
    ).toEqual([
      [DISPATCHER, "RequestResponse", "{}"],
      [DISPATCHER, "RequestResponse", '"not json"'],
    ]);
    expect(sqs.commandCalls(DeleteMessageCommand).map((call) => call.args[0].input)).toEqual([
      { QueueUrl: TICK_DLQ, ReceiptHandle: "ra" },
      { QueueUrl: TICK_DLQ, ReceiptHandle: "rb" },
    ]);
    expect(io.out.text).toBe(
      `replayed 2 ticks through the dispatcher ${DISPATCHER}, and deleted them from the tick dead-letter queue (${TICK_DLQ})\n`,
    );
  });

  it("stops at the first dispatch that fails, leaving that tick and the rest in the queue", async () => {
    // Prepare
    sqs.on(ReceiveMessageCommand).resolves({
      Messages: [
        { MessageId: "a", ReceiptHandle: "ra", Body: "{}" },
        { MessageId: "b", ReceiptHandle: "rb", Body: "{}" },
        { MessageId: "c", ReceiptHandle: "rc", Body: "{}" },
      ],
    });
    sqs.on(DeleteMessageCommand).resolves({});
    lambda
      .on(InvokeCommand)
      .resolvesOnce({ StatusCode: 200, Payload: encoded("{}") })
      .resolves({ StatusCode: 200, FunctionError: "Unhandled", Payload: encoded('{"errorType":"Error"}') });
    const io = terminal();

    // Act
    const code = await runCommand(io, () =>
      replayTicks({ sqs: new SQSClient({}), lambda: new LambdaClient({}), terminal: io }, TICK),
    );

    // Assess
    expect(code).toBe(EXIT.failed);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(2);
    expect(sqs.commandCalls(DeleteMessageCommand).map((call) => call.args[0].input.ReceiptHandle)).toEqual([
      "ra",
    ]);
    expect(io.err.text).toBe(
      `dun: the dispatcher ${DISPATCHER} failed on a tick from the tick dead-letter queue (${TICK_DLQ}) ({"errorType":"Error"}); 1 tick replayed before it, the failed one and the rest left in the queue\n`,
    );
  });

  it("deletes a second copy of a tick already replayed without replaying it again", async () => {
    // Prepare: SQS hands out "a" again (standard queues deliver at least once).
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ MessageId: "a", ReceiptHandle: "ra", Body: "{}" }] })
      .resolvesOnce({ Messages: [{ MessageId: "a", ReceiptHandle: "ra2", Body: "{}" }] })
      .resolves({});
    sqs.on(DeleteMessageCommand).resolves({});
    lambda.on(InvokeCommand).resolves({ StatusCode: 200 });
    const io = terminal({ json: true });

    // Act
    await replayTicks({ sqs: new SQSClient({}), lambda: new LambdaClient({}), terminal: io }, TICK);

    // Assess
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(1);
    expect(sqs.commandCalls(DeleteMessageCommand).map((call) => call.args[0].input.ReceiptHandle)).toEqual([
      "ra",
      "ra2",
    ]);
    expect(JSON.parse(io.out.text)).toEqual({ queue: "tick", queueUrl: TICK_DLQ, replayed: 1 });
  });

  it("says so when the queue is empty", async () => {
    sqs.on(ReceiveMessageCommand).resolves({});
    const io = terminal();
    await replayTicks({ sqs: new SQSClient({}), lambda: new LambdaClient({}), terminal: io }, TICK);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(io.out.text).toBe(`the tick dead-letter queue (${TICK_DLQ}) is empty; nothing to replay\n`);
  });
});
