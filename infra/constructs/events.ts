import { Duration } from "aws-cdk-lib";
import type { ITableV2 } from "aws-cdk-lib/aws-dynamodb";
import { SnsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type { Queue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { DeadLetterQueue } from "./dead-letter-queue.ts";
import { DunFunction } from "./dun-function.ts";
import type { Sending } from "./sending.ts";

export interface EventsProps {
  readonly table: ITableV2;
  readonly production: boolean;
  readonly sending: Sending;
  readonly fromAddress: string;
}

/**
 * The events Lambda: each SES event advances its invoice and records it on the timeline (hard
 * bounces and complaints also alert the invoice's owner by email). SNS invokes it asynchronously;
 * an event that still fails after Lambda's two retries lands in the dead-letter queue.
 */
export class Events extends Construct {
  readonly function: DunFunction;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: EventsProps) {
    super(scope, id);
    this.deadLetterQueue = new DeadLetterQueue(this, "DeadLetterQueue", { of: "the events Lambda" });

    this.function = new DunFunction(this, "Function", {
      handler: "events",
      description: "dun events: SES events advance invoices and their timelines",
      tableName: props.table.tableName,
      production: props.production,
      timeout: Duration.seconds(30),
      deadLetterQueue: this.deadLetterQueue,
      environment: {
        SES_CONFIGURATION_SET: props.sending.configurationSet.configurationSetName,
        FROM_ADDRESS: props.fromAddress,
      },
    });
    // Applying an event writes the invoice, its timeline and the message record.
    this.function.grantTable(props.table, "readWrite");
    // Owner alerts (hard bounce, complaint) are sent through the same identity and configuration set.
    props.sending.grantSend(this.function);
    this.function.addEventSource(new SnsEventSource(props.sending.sesEvents));
  }
}
