import { type Duration, RemovalPolicy } from "aws-cdk-lib";
import type { ITableV2 } from "aws-cdk-lib/aws-dynamodb";
import { Effect, PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Architecture, Runtime } from "aws-cdk-lib/aws-lambda";
import { NodejsFunction } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { NagSuppressions } from "cdk-nag";
import type { Construct } from "constructs";
import { BUNDLING, LAMBDA_ENTRIES, type LambdaName } from "../bundling.ts";

export interface DunFunctionProps {
  /** Which handler in functions/handlers/ this function runs. */
  readonly handler: LambdaName;
  /** The table every handler reads (TABLE_NAME); what it may do there is granted by its owner. */
  readonly tableName: string;
  /** Production keeps logs for a year and keeps them when the stack goes. */
  readonly production: boolean;
  /** The handler's own settings (see functions/handlers/environment.ts). */
  readonly environment?: Record<string, string>;
  readonly timeout: Duration;
  readonly memorySize?: number;
  /** Where asynchronous invocations go when every retry has failed. */
  readonly deadLetterQueue?: IQueue;
  readonly description: string;
}

/**
 * Every dun Lambda: Node.js 22 on arm64 (cheaper per GB-second than x86), one esbuild bundle
 * (infra/bundling.ts), its own log group with a retention, and its own role that can write to
 * that log group and nothing else until its construct grants what the handler needs.
 */
export class DunFunction extends NodejsFunction {
  /** Where the handler's Powertools logger writes; alarms watch some of its lines. */
  readonly logs: LogGroup;

  constructor(scope: Construct, id: string, props: DunFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.production ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH,
      removalPolicy: props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // Our own role instead of AWSLambdaBasicExecutionRole, which may write to every log group.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
      description: `dun ${props.handler} Lambda`,
    });
    role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [logGroup.logGroupArn],
      }),
    );
    super(scope, id, {
      entry: LAMBDA_ENTRIES[props.handler],
      handler: "handler",
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout,
      description: props.description,
      role,
      logGroup,
      bundling: {
        ...BUNDLING,
        // Bundle locally with the esbuild in node_modules; never fall back to Docker.
        forceDockerBundling: false,
      },
      environment: {
        TABLE_NAME: props.tableName,
        POWERTOOLS_SERVICE_NAME: `dun-${props.handler}`,
        LOG_LEVEL: props.production ? "INFO" : "DEBUG",
        // Stack traces through the source maps the bundle ships with.
        NODE_OPTIONS: "--enable-source-maps",
        ...props.environment,
      },
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
    });
    this.logs = logGroup;
    NagSuppressions.addResourceSuppressions(this, [
      {
        id: "AwsSolutions-L1",
        reason:
          "dun runs on Node.js 22 on purpose: the handlers, bundles (target node22) and benchmarks are built and measured for it; moving to a newer runtime is a tested change, not a default.",
      },
    ]);
  }

  /**
   * Read (or read and write) access to the table and its indexes. DynamoDB names an index
   * `<table ARN>/index/<name>`; the grant covers `index/*` so that a new index needs no IAM change.
   */
  grantTable(table: ITableV2, access: "read" | "readWrite"): void {
    if (access === "read") table.grantReadData(this);
    else table.grantReadWriteData(this);
    NagSuppressions.addResourceSuppressions(
      this.role ?? this,
      [
        {
          id: "AwsSolutions-IAM5",
          reason:
            "The wildcard is only over the indexes of dun's own table (<table ARN>/index/*), which the due-index query needs.",
          appliesTo: [{ regex: "/^Resource::<.*Table.*\\.Arn>\\/index\\/\\*$/g" }],
        },
      ],
      true,
    );
  }
}
