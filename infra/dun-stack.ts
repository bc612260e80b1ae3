import { CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import { SNS_SUBSCRIPTIONS_SQS_DECRYPTION_POLICY } from "aws-cdk-lib/cx-api";
import type { Construct } from "constructs";
import { Alarms } from "./constructs/alarms.ts";
import { Api } from "./constructs/api.ts";
import { Data } from "./constructs/data.ts";
import { Dispatch } from "./constructs/dispatch.ts";
import { Events } from "./constructs/events.ts";
import { Sending } from "./constructs/sending.ts";
import { Uploads } from "./constructs/uploads.ts";

export interface DunStackProps extends StackProps {
  readonly production: boolean;
  /** The SES identity dun sends through: a domain verified in SES (example.com). */
  readonly senderDomain: string;
  /** The From address; `reminders@<senderDomain>` unless given. */
  readonly fromAddress?: string;
  /** Minutes between dispatcher ticks; 1 unless given. */
  readonly tickMinutes?: number;
  /** Where alarms are emailed; none unless given. */
  readonly alarmEmail?: string;
  /** Emails a second the account's SES quota allows (`aws sesv2 get-account`: SendQuota.MaxSendRate);
   *  the SES sandbox's 1 unless given. */
  readonly sendRate?: number;
}

/** The SES sandbox's sending rate: 1 email a second (and 200 a day). */
const SANDBOX_SEND_RATE = 1;

/** dun in one stack, composed of named constructs: data, api, sending, dispatch, events and alarms. */
export class DunStack extends Stack {
  readonly data: Data;
  readonly api: Api;
  readonly sending: Sending;
  readonly dispatch: Dispatch;
  readonly events: Events;
  readonly uploads: Uploads;
  readonly alarms: Alarms;

  constructor(scope: Construct, id: string, props: DunStackProps) {
    super(scope, id, props);
    // SNS may use the events queue's key only to deliver from dun's SES events topic (aws:SourceArn).
    this.node.setContext(SNS_SUBSCRIPTIONS_SQS_DECRYPTION_POLICY, true);
    const { production, senderDomain } = props;
    const fromAddress = props.fromAddress ?? `reminders@${senderDomain}`;
    if (!fromAddress.endsWith(`@${senderDomain}`))
      throw new Error(`fromAddress ${fromAddress} must be at the sender domain ${senderDomain}`);

    this.data = new Data(this, "Data", { production });
    const table = this.data.table;
    this.api = new Api(this, "Api", { table, production });
    this.sending = new Sending(this, "Sending", {
      table,
      production,
      senderDomain,
      fromAddress,
      sendRate: props.sendRate ?? SANDBOX_SEND_RATE,
    });
    this.dispatch = new Dispatch(this, "Dispatch", {
      table,
      production,
      sendQueue: this.sending.queue,
      tickMinutes: props.tickMinutes ?? 1,
    });
    this.events = new Events(this, "Events", { table, production, sending: this.sending, fromAddress });
    this.events.watchDeadLetters(this.sending.function);
    this.uploads = new Uploads(this, "Uploads", { table, production, api: this.api.function });
    this.alarms = new Alarms(this, "Alarms", {
      ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
      topicKey: this.sending.topicKey,
      deadLetterQueues: {
        Send: this.sending.deadLetterQueue,
        Tick: this.dispatch.deadLetterQueue,
        Events: this.events.deadLetterQueue,
        Uploads: this.uploads.deadLetterQueue,
      },
      functions: {
        Api: this.api.function,
        Dispatcher: this.dispatch.function,
        Sender: this.sending.function,
        Events: this.events.function,
        UploadWorker: this.uploads.function,
      },
      // The two Lambdas that email the owner (hand-overs; bounces, complaints, disputes).
      ownerAlertLogs: { Sender: this.sending.function.logs, Events: this.events.function.logs },
      senderLogs: this.sending.function.logs,
    });

    new CfnOutput(this, "ApiUrl", { value: this.api.url, description: "DUN_API_URL" });
    new CfnOutput(this, "TableName", { value: table.tableName });
    new CfnOutput(this, "ScheduleName", {
      value: this.dispatch.schedule.scheduleName,
      description: "DUN_SCHEDULE_NAME (dun dispatch pause|resume)",
    });
    new CfnOutput(this, "ScheduleGroupName", {
      value: this.dispatch.scheduleGroup.scheduleGroupName,
      description: "DUN_SCHEDULE_GROUP",
    });
    new CfnOutput(this, "ConfigurationSetName", {
      value: this.sending.configurationSet.configurationSetName,
    });
    new CfnOutput(this, "SendQueueUrl", { value: this.sending.queue.queueUrl });
    new CfnOutput(this, "EventsQueueUrl", { value: this.events.queue.queueUrl });
    // What `dun redrive send|events|tick` needs (functions/cli/redrive.ts).
    new CfnOutput(this, "SendDeadLetterQueueArn", {
      value: this.sending.deadLetterQueue.queueArn,
      description: "DUN_SEND_DLQ_ARN (dun redrive send)",
    });
    new CfnOutput(this, "EventsDeadLetterQueueArn", {
      value: this.events.deadLetterQueue.queueArn,
      description: "DUN_EVENTS_DLQ_ARN (dun redrive events)",
    });
    new CfnOutput(this, "TickDeadLetterQueueUrl", {
      value: this.dispatch.deadLetterQueue.queueUrl,
      description: "DUN_TICK_DLQ_URL (dun redrive tick)",
    });
    new CfnOutput(this, "DispatcherFunctionName", {
      value: this.dispatch.function.functionName,
      description: "DUN_DISPATCHER_FUNCTION (dun redrive tick)",
    });
    new CfnOutput(this, "UploadBucketName", { value: this.uploads.bucket.bucketName });
    new CfnOutput(this, "AlarmTopicArn", { value: this.alarms.topic.topicArn });
  }
}
