/**
 * The CDK app: `npx cdk synth` (offline) and `npx cdk deploy`. Settings come from CDK context
 * (`-c region=eu-north-1 -c senderDomain=example.com -c production=true`) so one command deploys
 * one environment. Keys: region, senderDomain, fromAddress, tickMinutes, alarmEmail, production.
 */
import { Annotations, App } from "aws-cdk-lib";
import { DunStack } from "./dun-stack.ts";

const app = new App();
const context = (key: string): string | undefined => {
  const value = app.node.tryGetContext(key);
  return value === undefined || value === null || value === "" ? undefined : String(value);
};
const region = context("region") ?? process.env.CDK_DEFAULT_REGION;
const production = context("production") === "true";
const senderDomain = context("senderDomain");
const tickMinutes = context("tickMinutes");
const fromAddress = context("fromAddress");
const alarmEmail = context("alarmEmail");

const stack = new DunStack(app, production ? "Dun" : "DunDev", {
  production,
  env: region ? { account: process.env.CDK_DEFAULT_ACCOUNT, region } : undefined,
  description: "dun: multilingual invoice dunning",
  // example.com lets `npm run synth` work with no settings; a deploy needs a domain verified in SES.
  senderDomain: senderDomain ?? "example.com",
  ...(fromAddress ? { fromAddress } : {}),
  ...(tickMinutes ? { tickMinutes: Number(tickMinutes) } : {}),
  ...(alarmEmail ? { alarmEmail } : {}),
});
if (senderDomain === undefined)
  Annotations.of(stack).addWarningV2(
    "dun:senderDomain",
    "no senderDomain in context: sending through example.com; deploy with -c senderDomain=<your SES domain>",
  );
