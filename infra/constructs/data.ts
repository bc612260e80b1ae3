import { RemovalPolicy } from "aws-cdk-lib";
import { AttributeType, Billing, ProjectionType, TableEncryptionV2, TableV2 } from "aws-cdk-lib/aws-dynamodb";
import { Construct } from "constructs";
import { DUE_INDEX, LIST_INDEX } from "../../functions/adapters/dynamo/keys.ts";

export interface DataProps {
  /** Production keeps the table when the stack goes and refuses to delete it by accident. */
  readonly production: boolean;
}

/**
 * The one DynamoDB table dun keeps everything in (tenants, keys, invoices, timelines, messages),
 * with the due and list indexes of docs/DATA-MODEL.md.
 * On demand, because dunning traffic is a trickle with bursts at tick time; recoverable to any
 * second of the last 35 days, because it is the record a court asks for.
 */
export class Data extends Construct {
  readonly table: TableV2;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);
    this.table = new TableV2(this, "Table", {
      partitionKey: { name: "pk", type: AttributeType.STRING },
      sortKey: { name: "sk", type: AttributeType.STRING },
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: "expiresAt",
      deletionProtection: props.production,
      removalPolicy: props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      globalSecondaryIndexes: [
        {
          // Sparse and write-sharded: an invoice with nothing to do has no dueShard, so the
          // dispatcher's cost grows with due invoices only; shards spread a busy tenant's writes.
          indexName: DUE_INDEX,
          partitionKey: { name: "dueShard", type: AttributeType.STRING },
          sortKey: { name: "nextActionAt", type: AttributeType.STRING },
          projectionType: ProjectionType.KEYS_ONLY,
        },
        {
          // A tenant's invoices in invoice-number order, write-sharded 16 ways per tenant so that
          // a large upload's creates do not all land on one index partition. It holds only what
          // the list's filters need (`listed`), so the sender's changes to an invoice do not write it.
          indexName: LIST_INDEX,
          partitionKey: { name: "listShard", type: AttributeType.STRING },
          sortKey: { name: "listNumber", type: AttributeType.STRING },
          projectionType: ProjectionType.INCLUDE,
          nonKeyAttributes: ["listed"],
        },
      ],
    });
  }
}
