/**
 * SES events as the events Lambda receives them from the events queue: SNS delivers the SES
 * events topic raw (infra/constructs/events.ts), so each SQS message body is the SNS message
 * itself, one SES event record as JSON text.
 */
import type { SNSEvent, SQSEvent, SQSRecord } from "aws-lambda";

const QUEUE_ARN = "arn:aws:sqs:eu-north-1:123456789012:dun-ses-events";

/** One SQS record with this body, under this message id (what a partial batch response names). */
export function sqsRecordOf(messageId: string, body: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: "1764669600000",
      SenderId: "AIDAIT2UOQQY3AUEKVGXU",
      ApproximateFirstReceiveTimestamp: "1764669600010",
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: QUEUE_ARN,
    awsRegion: "eu-north-1",
  };
}

/** The SNS notification's first message as raw delivery puts it on the queue. */
export function rawDelivered(messageId: string, notification: SNSEvent): SQSRecord {
  const record = notification.Records[0];
  if (!record) throw new Error("the notification has no record");
  return sqsRecordOf(messageId, record.Sns.Message);
}

/** The batch the events queue's event source hands the Lambda. */
export function sqsEventOf(...records: SQSRecord[]): SQSEvent {
  return { Records: records };
}
