import { Duration } from "aws-cdk-lib";
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  Metric,
  TreatMissingData,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import { ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { IKey } from "aws-cdk-lib/aws-kms";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { FilterPattern, type ILogGroup, MetricFilter } from "aws-cdk-lib/aws-logs";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import {
  LOG_EMAIL_REFUSED,
  LOG_OWNER_NOT_ALERTED,
  LOG_SENDING_BLOCKED,
  LOG_SENDING_THROTTLED,
} from "../../functions/handlers/log-messages.ts";

export interface AlarmsProps {
  /** Who is told; without it, subscribe to the topic yourself. */
  readonly alarmEmail?: string;
  readonly topicKey: IKey;
  /** Every dead-letter queue in the stack, by a name for its alarm (test/infra/dead-letter-alarms.test.ts finds them all). */
  readonly deadLetterQueues: Record<string, IQueue>;
  readonly functions: Record<string, IFunction>;
  /** The log groups of the Lambdas that email the owner, where a refused alert is logged. */
  readonly ownerAlertLogs: Record<string, ILogGroup>;
  /** The sender's log group, where it logs what SES refused to send (functions/handlers/log-messages.ts). */
  readonly senderLogs: ILogGroup;
}

/** SES pauses an account whose bounce rate passes 10 % or complaint rate 0.5 %: warn at half and a fifth of that. */
export const BOUNCE_RATE_THRESHOLD = 0.05;
export const COMPLAINT_RATE_THRESHOLD = 0.001;

/**
 * What an operator must hear about: anything in a dead-letter queue (a reminder, a tick or an
 * SES event given up on), a Lambda failing, an owner alert SES refused, SES refusing to send at
 * all, refusing an email for good or throttling the sender again and again, and the SES
 * reputation rates before SES acts on them.
 */
export class Alarms extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, "Topic", {
      displayName: "dun alarms",
      masterKey: props.topicKey,
      enforceSSL: true,
    });
    // CloudWatch publishes to the encrypted topic.
    props.topicKey.grant(
      new ServicePrincipal("cloudwatch.amazonaws.com"),
      "kms:GenerateDataKey*",
      "kms:Decrypt",
    );
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      this.alarm(`${name}DeadLetters`, action, {
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: "Maximum",
        }),
        threshold: 1,
        description: `${name}: messages in the dead-letter queue; look at them, then redrive or delete`,
      });
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      this.alarm(`${name}Errors`, action, {
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: "Sum" }),
        threshold: 1,
        description: `${name} Lambda: invocations failed; see its log group`,
      });
    }
    // An owner alert SES refused is not retried (functions/sending/notify-owner.ts): a person must
    // hear of it, or the seller never learns that a customer bounced, complained or disputed.
    this.logAlarm("OwnerAlertsNotSent", action, {
      logs: props.ownerAlertLogs,
      filterId: "OwnerNotAlerted",
      message: LOG_OWNER_NOT_ALERTED,
      threshold: 1,
      description: `an email to a tenant's owner was refused by SES; search the sender and events logs for "${LOG_OWNER_NOT_ALERTED}" and tell them`,
    });
    const senderLogs = { Sender: props.senderLogs };
    // The account, its configuration set or its daily quota stops every send: nothing goes out
    // until a person acts (or the quota resets), however long the invoices wait.
    this.logAlarm("SendingBlocked", action, {
      logs: senderLogs,
      message: LOG_SENDING_BLOCKED,
      threshold: 1,
      description: `SES refuses to send anything (paused account or configuration set, daily quota, unverified identity, sandbox); search the sender's log for "${LOG_SENDING_BLOCKED}"`,
    });
    // SES refused one email for good; its invoice waits for a person.
    this.logAlarm("EmailsRefused", action, {
      logs: senderLogs,
      message: LOG_EMAIL_REFUSED,
      threshold: 1,
      description: `SES refused an email for good (an address or a message it will not take); search the sender's log for "${LOG_EMAIL_REFUSED}"`,
    });
    // A throttled send now and then is retried and harmless; many mean sendRate is above the account's rate.
    this.logAlarm("SendsThrottled", action, {
      logs: senderLogs,
      message: LOG_SENDING_THROTTLED,
      threshold: 10,
      description: `SES throttled 10 or more sends in 5 minutes: deploy with a sendRate at or below the account's maximum send rate; search the sender's log for "${LOG_SENDING_THROTTLED}"`,
    });
    this.alarm("BounceRate", action, {
      metric: sesReputation("Reputation.BounceRate"),
      threshold: BOUNCE_RATE_THRESHOLD,
      description: "SES bounce rate ≥ 5 %: clean the addresses before SES reviews the account (10 %)",
    });
    this.alarm("ComplaintRate", action, {
      metric: sesReputation("Reputation.ComplaintRate"),
      threshold: COMPLAINT_RATE_THRESHOLD,
      description: "SES complaint rate ≥ 0.1 %: SES reviews the account at 0.5 %",
    });
  }

  /**
   * An alarm on how often the handlers log `message` (the exact text of functions/handlers/log-messages.ts)
   * in 5 minutes, counted by a metric filter on each log group into one metric named like the alarm.
   */
  private logAlarm(
    id: string,
    action: IAlarmAction,
    props: {
      logs: Record<string, ILogGroup>;
      message: string;
      threshold: number;
      description: string;
      /** The metric filters' id after the log group's name; the alarm's id unless given. */
      filterId?: string;
    },
  ) {
    const metric = new Metric({
      namespace: "dun",
      metricName: id,
      statistic: "Sum",
      period: Duration.minutes(5),
    });
    for (const [name, logs] of Object.entries(props.logs)) {
      new MetricFilter(this, `${name}${props.filterId ?? id}`, {
        logGroup: logs,
        filterPattern: FilterPattern.stringValue("$.message", "=", props.message),
        metricNamespace: metric.namespace,
        metricName: metric.metricName,
        metricValue: "1",
      });
    }
    return this.alarm(id, action, { metric, threshold: props.threshold, description: props.description });
  }

  private alarm(
    id: string,
    action: IAlarmAction,
    props: { metric: Metric; threshold: number; description: string },
  ) {
    const alarm = new Alarm(this, id, {
      metric: props.metric,
      threshold: props.threshold,
      alarmDescription: props.description,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      // No data means nothing failed and nothing was sent.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(action);
    return alarm;
  }
}

/** The account's reputation rates, which SES publishes without dimensions. */
function sesReputation(metricName: string): Metric {
  return new Metric({ namespace: "AWS/SES", metricName, statistic: "Maximum", period: Duration.hours(1) });
}
