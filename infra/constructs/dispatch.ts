import { Duration } from "aws-cdk-lib";
import type { ITableV2 } from "aws-cdk-lib/aws-dynamodb";
import { PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Schedule, ScheduleExpression, ScheduleGroup } from "aws-cdk-lib/aws-scheduler";
import { LambdaInvoke } from "aws-cdk-lib/aws-scheduler-targets";
import type { IQueue, Queue } from "aws-cdk-lib/aws-sqs";
import { NagSuppressions } from "cdk-nag";
import { Construct } from "constructs";
import { DISPATCH_CURSOR_KEY } from "../../functions/adapters/dynamo/keys.ts";
import { DeadLetterQueue } from "./dead-letter-queue.ts";
import { DunFunction } from "./dun-function.ts";

export interface DispatchProps {
  readonly table: ITableV2;
  readonly production: boolean;
  readonly sendQueue: IQueue;
  /** Minutes between ticks. */
  readonly tickMinutes: number;
}

/**
 * The tick: an EventBridge Scheduler schedule (in dun's own group, so `dun dispatch pause` can
 * find and switch it) invokes the dispatcher, which puts every due invoice on the send queue.
 */
export class Dispatch extends Construct {
  readonly function: DunFunction;
  readonly scheduleGroup: ScheduleGroup;
  readonly schedule: Schedule;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: DispatchProps) {
    super(scope, id);
    if (!Number.isInteger(props.tickMinutes) || props.tickMinutes < 1)
      throw new Error(`tickMinutes must be a whole number of minutes ≥ 1, not ${props.tickMinutes}`);

    this.function = new DunFunction(this, "Function", {
      handler: "dispatcher",
      description: "dun dispatcher: due invoices onto the send queue",
      tableName: props.table.tableName,
      production: props.production,
      // Within one tick, so two dispatchers rarely overlap (an overlap only sends duplicate messages the sender ignores).
      timeout: Duration.seconds(Math.min(60 * props.tickMinutes, 300)),
      environment: { SEND_QUEUE_URL: props.sendQueue.queueUrl },
    });
    // The dispatcher reads the due index and writes one item: its cursor (DISPATCH / CURSOR, the
    // only item whose partition key is DISPATCH); the sender does every other write.
    this.function.grantTable(props.table, "read");
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ["dynamodb:PutItem"],
        resources: [props.table.tableArn],
        conditions: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": [DISPATCH_CURSOR_KEY.pk] } },
      }),
    );
    props.sendQueue.grantSendMessages(this.function);

    this.deadLetterQueue = new DeadLetterQueue(this, "DeadLetterQueue", { of: "the tick schedule" });

    // Our own role for the schedule, so its policy lives (and is justified) here.
    const schedulerRole = new Role(this, "SchedulerRole", {
      assumedBy: new ServicePrincipal("scheduler.amazonaws.com"),
      description: "dun tick: invokes the dispatcher",
    });
    this.scheduleGroup = new ScheduleGroup(this, "Group", {});
    this.schedule = new Schedule(this, "Tick", {
      scheduleGroup: this.scheduleGroup,
      description: "dun dispatcher tick",
      schedule: ScheduleExpression.rate(Duration.minutes(props.tickMinutes)),
      target: new LambdaInvoke(this.function, {
        role: schedulerRole,
        // A missed tick is made up by the next one, so retrying past one tick is pointless.
        retryAttempts: 2,
        maxEventAge: Duration.minutes(Math.max(props.tickMinutes, 1)),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });
    // After the schedule: the target adds the role's policy when it binds.
    NagSuppressions.addResourceSuppressions(
      schedulerRole,
      [
        {
          id: "AwsSolutions-IAM5",
          reason:
            "lambda:InvokeFunction on the dispatcher and its versions (<function ARN>:*), as the Scheduler's Lambda target grants it; no other function.",
          appliesTo: [{ regex: "/^Resource::<DispatchFunction.*\\.Arn>:\\*$/g" }],
        },
      ],
      true,
    );
  }
}
