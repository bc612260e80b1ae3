/**
 * The CDK app: `npx cdk synth` (offline) and `npx cdk deploy`. Settings come from CDK context
 * (`-c region=eu-north-1 -c production=true`) so one command deploys one environment.
 */
import { App } from "aws-cdk-lib";
import { DunStack } from "./dun-stack.ts";

const app = new App();
const region = app.node.tryGetContext("region") ?? process.env.CDK_DEFAULT_REGION;
const production = String(app.node.tryGetContext("production") ?? "false") === "true";

new DunStack(app, production ? "Dun" : "DunDev", {
  production,
  env: region ? { account: process.env.CDK_DEFAULT_ACCOUNT, region } : undefined,
  description: "dun: multilingual invoice dunning",
});
