/**
 * `dun redrive send|events|tick`: what failed every retry, tried again once its cause is fixed.
 *
 * - send and events: their dead-letter queues are the DLQs of SQS queues (the send queue, the
 *   events queue), so SQS itself moves the messages back to the queue they came from
 *   (StartMessageMoveTask), where the sender or the events Lambda takes them as new.
 * - tick: EventBridge Scheduler's dead-letter queue holds the payloads it could not deliver to the
 *   dispatcher, and SQS cannot move them anywhere a schedule reads. Each is received, handed to the
 *   dispatcher Lambda as it would have been, and deleted once the dispatcher has run with it. A
 *   dispatch that fails leaves its message in the queue and stops the redrive.
 *
 * Where the queues are: options, else the environment variables the stack's outputs name
 * (docs/DEPLOY.md): DUN_SEND_DLQ_ARN, DUN_EVENTS_DLQ_ARN, DUN_TICK_DLQ_URL, DUN_DISPATCHER_FUNCTION.
 */
import { InvokeCommand, type LambdaClient, LambdaServiceException } from "@aws-sdk/client-lambda";
import {
  DeleteMessageCommand,
  ListMessageMoveTasksCommand,
  type ListMessageMoveTasksResultEntry,
  ReceiveMessageCommand,
  type SQSClient,
  SQSServiceException,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import { CliError, EXIT, type Terminal, UsageError, writeJson } from "./command.ts";

/** The dead-letter queues SQS moves back to their source queue. */
export type MovableQueue = "send" | "events";

/** Each queue's environment variable, as the stack's outputs describe them. */
export const REDRIVE_ENV = {
  send: "DUN_SEND_DLQ_ARN",
  events: "DUN_EVENTS_DLQ_ARN",
  tick: "DUN_TICK_DLQ_URL",
  dispatcher: "DUN_DISPATCHER_FUNCTION",
} as const;

const SQS_ARN = /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}$/;

/** The dead-letter queue's ARN: --dlq-arn, else the queue's environment variable. */
export function deadLetterQueueArnOf(
  queue: MovableQueue,
  option: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const variable = REDRIVE_ENV[queue];
  const arn = option ?? nonEmpty(env[variable]);
  if (arn === undefined)
    throw new UsageError(
      `name the ${queue} dead-letter queue: pass --dlq-arn ARN or set ${variable} (the stack's ${queue === "send" ? "SendDeadLetterQueueArn" : "EventsDeadLetterQueueArn"} output)`,
    );
  if (!SQS_ARN.test(arn))
    throw new UsageError(`"${arn}" is not an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME)`);
  return arn;
}

/** The tick's dead-letter queue URL and the dispatcher: options, else DUN_TICK_DLQ_URL and DUN_DISPATCHER_FUNCTION. */
export function tickRedriveOf(
  options: { dlqUrl?: string; function?: string },
  env: NodeJS.ProcessEnv = process.env,
): { queueUrl: string; functionName: string } {
  const queueUrl = options.dlqUrl ?? nonEmpty(env[REDRIVE_ENV.tick]);
  const functionName = options.function ?? nonEmpty(env[REDRIVE_ENV.dispatcher]);
  if (queueUrl === undefined)
    throw new UsageError(
      `name the tick dead-letter queue: pass --dlq-url URL or set ${REDRIVE_ENV.tick} (the stack's TickDeadLetterQueueUrl output)`,
    );
  if (!/^https:\/\/\S+$/.test(queueUrl))
    throw new UsageError(`"${queueUrl}" is not an SQS queue URL (https://…)`);
  if (functionName === undefined)
    throw new UsageError(
      `name the dispatcher Lambda: pass --function NAME or set ${REDRIVE_ENV.dispatcher} (the stack's DispatcherFunctionName output)`,
    );
  return { queueUrl, functionName };
}

export type MoveDeps = { sqs: Pick<SQSClient, "send">; terminal: Terminal };

/**
 * Starts SQS moving every message of the dead-letter queue back to its source queue, at
 * `rate` messages a second (SQS picks one if not given), and says how many it is moving.
 */
export async function moveDeadLetters(
  deps: MoveDeps,
  queue: MovableQueue,
  deadLetterQueueArn: string,
  options: { rate?: number } = {},
): Promise<void> {
  const { out, json } = deps.terminal;
  const where = `the ${queue} dead-letter queue (${deadLetterQueueArn})`;
  const { TaskHandle } = await aws(where, () =>
    deps.sqs.send(
      new StartMessageMoveTaskCommand({
        SourceArn: deadLetterQueueArn,
        // No DestinationArn: each message goes back to the queue it was dead-lettered from.
        ...(options.rate === undefined ? {} : { MaxNumberOfMessagesPerSecond: options.rate }),
      }),
    ),
  );
  const task = await latestTask(deps, where, deadLetterQueueArn);
  if (json)
    return writeJson(out, {
      queue,
      deadLetterQueueArn,
      taskHandle: TaskHandle,
      status: task?.Status ?? "RUNNING",
      messagesToMove: task?.ApproximateNumberOfMessagesToMove,
    });
  const count = task?.ApproximateNumberOfMessagesToMove;
  out.write(
    `moving ${count === undefined ? "the messages" : plural(count, "message")} of ${where} back to the ${queue} queue; ` +
      `\`dun redrive ${queue} --status\` shows how far it got\n`,
  );
}

/** What the latest move task of the dead-letter queue has done, or that there has been none. */
export async function showMoveStatus(
  deps: MoveDeps,
  queue: MovableQueue,
  deadLetterQueueArn: string,
): Promise<void> {
  const { out, json } = deps.terminal;
  const where = `the ${queue} dead-letter queue (${deadLetterQueueArn})`;
  const task = await latestTask(deps, where, deadLetterQueueArn);
  if (json)
    return writeJson(out, {
      queue,
      deadLetterQueueArn,
      status: task?.Status ?? "NONE",
      messagesMoved: task?.ApproximateNumberOfMessagesMoved,
      messagesToMove: task?.ApproximateNumberOfMessagesToMove,
      ...(task?.FailureReason ? { failureReason: task.FailureReason } : {}),
    });
  if (!task) return void out.write(`no redrive of ${where} has run lately\n`);
  const moved = `${task.ApproximateNumberOfMessagesMoved ?? 0} of ${task.ApproximateNumberOfMessagesToMove ?? "?"} moved`;
  out.write(
    `redrive of ${where}: ${task.Status}, ${moved}${task.FailureReason ? `; ${task.FailureReason}` : ""}\n`,
  );
}

async function latestTask(
  deps: MoveDeps,
  where: string,
  sourceArn: string,
): Promise<ListMessageMoveTasksResultEntry | undefined> {
  const { Results } = await aws(where, () =>
    deps.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 1 })),
  );
  return Results?.[0];
}

export type TickRedriveDeps = {
  sqs: Pick<SQSClient, "send">;
  lambda: Pick<LambdaClient, "send">;
  terminal: Terminal;
};

/** How long a received tick stays hidden from others while the dispatcher runs with it (its timeout is at most 300 s). */
const TICK_VISIBILITY_SECONDS = 330;

/**
 * Replays the tick dead-letter queue: each message's body (the payload the schedule gave up
 * delivering) goes to the dispatcher, synchronously, and the message is deleted once the
 * dispatcher returned. The first dispatch that fails stops the redrive with its message left in
 * the queue. A replayed tick does what a tick does: it queues what is due now.
 */
export async function replayTicks(
  deps: TickRedriveDeps,
  target: { queueUrl: string; functionName: string },
): Promise<void> {
  const { out, json } = deps.terminal;
  const where = `the tick dead-letter queue (${target.queueUrl})`;
  const replayed = new Set<string>();
  for (;;) {
    const { Messages = [] } = await aws(where, () =>
      deps.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: target.queueUrl,
          MaxNumberOfMessages: 10,
          // Long polling asks every SQS server, so an empty answer means an empty queue.
          WaitTimeSeconds: 1,
          VisibilityTimeout: TICK_VISIBILITY_SECONDS,
        }),
      ),
    );
    if (Messages.length === 0) break;
    for (const message of Messages) {
      // SQS may hand out a message twice: a copy of one already replayed is only deleted.
      if (message.MessageId !== undefined && replayed.has(message.MessageId)) {
        await deleteMessage(deps, where, target.queueUrl, message.ReceiptHandle);
        continue;
      }
      const answer = await aws(`the dispatcher ${target.functionName}`, () =>
        deps.lambda.send(
          new InvokeCommand({
            FunctionName: target.functionName,
            InvocationType: "RequestResponse",
            Payload: new TextEncoder().encode(payloadOf(message.Body)),
          }),
        ),
      );
      if (answer.FunctionError) {
        const why = answer.Payload ? new TextDecoder().decode(answer.Payload) : answer.FunctionError;
        throw new CliError(
          `the dispatcher ${target.functionName} failed on a tick from ${where} (${why}); ` +
            `${plural(replayed.size, "tick")} replayed before it, the failed one and the rest left in the queue`,
        );
      }
      await deleteMessage(deps, where, target.queueUrl, message.ReceiptHandle);
      replayed.add(message.MessageId ?? message.ReceiptHandle ?? "");
    }
  }
  if (json) return writeJson(out, { queue: "tick", queueUrl: target.queueUrl, replayed: replayed.size });
  out.write(
    replayed.size === 0
      ? `${where} is empty; nothing to replay\n`
      : `replayed ${plural(replayed.size, "tick")} through the dispatcher ${target.functionName}, and deleted them from ${where}\n`,
  );
}

async function deleteMessage(
  deps: TickRedriveDeps,
  where: string,
  queueUrl: string,
  receiptHandle: string | undefined,
): Promise<void> {
  await aws(where, () =>
    deps.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle })),
  );
}

/** The Lambda payload for a dead-lettered tick: its body as the JSON it is, or as a JSON string if it is none. */
function payloadOf(body: string | undefined): string {
  if (body === undefined || body === "") return "{}";
  try {
    JSON.parse(body);
    return body;
  } catch {
    return JSON.stringify(body);
  }
}

/** An AWS refusal as the user reads it: exit code 3, with what AWS said. */
async function aws<T>(where: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof SQSServiceException || error instanceof LambdaServiceException) {
      const why = /NonExistentQueue|QueueDoesNotExist|ResourceNotFound/.test(error.name)
        ? `${where} does not exist: check the name given (or its environment variable) and AWS_REGION`
        : `AWS refused to redrive ${where}: ${error.name}: ${error.message}`;
      throw new CliError(why, EXIT.refused);
    }
    if (error instanceof Error && error.name === "CredentialsProviderError")
      throw new CliError(`no AWS credentials to redrive ${where} with: ${error.message}`);
    throw error;
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
