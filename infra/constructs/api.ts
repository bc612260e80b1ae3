import { Duration, RemovalPolicy } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import {
  HttpApi,
  HttpStage,
  LogGroupLogDestination,
  type ThrottleSettings,
} from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import type { ITableV2 } from "aws-cdk-lib/aws-dynamodb";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { NagSuppressions } from "cdk-nag";
import { Construct } from "constructs";
import { DunFunction } from "./dun-function.ts";

export interface ApiProps {
  readonly table: ITableV2;
  readonly production: boolean;
  /** Requests per second across the API, and the burst above it; one tenant's script cannot run up the bill. */
  readonly throttle?: ThrottleSettings;
}

/**
 * The HTTP API: every method and path goes to one Lambda (functions/handlers/api.ts), which
 * checks the Bearer API key itself against the hashed keys in the table — so the one route,
 * `$default`, has no API Gateway authorizer.
 */
export class Api extends Construct {
  readonly function: DunFunction;
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.function = new DunFunction(this, "Function", {
      handler: "api",
      description: "dun HTTP API: uploads, status, keys",
      tableName: props.table.tableName,
      production: props.production,
      timeout: Duration.seconds(10),
      // Uploads of 10 000 rows parse and validate in memory.
      memorySize: 512,
    });
    // Uploads write invoices, key creation writes keys.
    this.function.grantTable(props.table, "readWrite");

    this.httpApi = new HttpApi(this, "HttpApi", {
      description: "dun: invoices in, status out",
      defaultIntegration: new HttpLambdaIntegration("Handler", this.function),
      createDefaultStage: false,
    });
    this.accessLogs = new LogGroup(this, "AccessLogs", {
      retention: props.production ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH,
      removalPolicy: props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, "Stage", {
      httpApi: this.httpApi,
      stageName: "$default",
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        // No headers and no body: the Authorization header holds the API key.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: "$context.requestId",
            time: "$context.requestTime",
            ip: "$context.identity.sourceIp",
            method: "$context.httpMethod",
            path: "$context.path",
            status: "$context.status",
            latencyMs: "$context.responseLatency",
            integrationError: "$context.integrationErrorMessage",
          }),
        ),
      },
    });

    NagSuppressions.addResourceSuppressions(
      this.httpApi,
      [
        {
          id: "AwsSolutions-APIG4",
          reason:
            "The Lambda authenticates every request itself: a Bearer API key, hashed and looked up in the table, " +
            "which also names the tenant the request may see. An API Gateway authorizer would be a second Lambda call per request for the same check.",
        },
      ],
      true,
    );
  }

  get url(): string {
    return this.stage.url;
  }
}
