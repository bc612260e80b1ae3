/**
 * The CDK app: `npx cdk synth` (offline) and `npx cdk deploy`. Settings come from CDK context
 * (`-c region=eu-north-1 -c senderDomain=example.com -c production=true`) so one command deploys
 * one environment. Keys: region, senderDomain, fromAddress, tickMinutes, alarmEmail, sendRate,
 * production. sendRate is the emails a second the account's SES quota allows (`aws sesv2
 * get-account`: SendQuota.MaxSendRate); without it the sender keeps to the sandbox's 1 a second.
 * docs/DEPLOY.md explains each.
 */
import { Annotations, App } from "aws-cdk-lib";
import { DunStack } from "./dun-stack.ts";

const app = new App();
const context = (key: string): string | undefined => {
  const value = app.node.tryGetContext(key);
  return value === undefined || value === null || value === "" ? undefined : String(value);
};
/** A numeric setting, refused with its key and the text given when it is no number ("-c sendRate=fast"). */
const numericContext = (key: string): number | undefined => {
  const text = context(key);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`${key} must be a number, not "${text}"`);
  return value;
};
const region = context("region") ?? process.env.CDK_DEFAULT_REGION;
const production = context("production") === "true";
const senderDomain = context("senderDomain");
const tickMinutes = numericContext("tickMinutes");
const fromAddress = context("fromAddress");
const alarmEmail = context("alarmEmail");
const sendRate = numericContext("sendRate");

const stack = new DunStack(app, production ? "Dun" : "DunDev", {
  production,
  env: region ? { account: process.env.CDK_DEFAULT_ACCOUNT, region } : undefined,
  description: "dun: multilingual invoice dunning",
  // example.com lets `npm run synth` work with no settings; a deploy needs a domain verified in SES.
  senderDomain: senderDomain ?? "example.com",
  ...(fromAddress ? { fromAddress } : {}),
  ...(tickMinutes !== undefined ? { tickMinutes } : {}),
  ...(alarmEmail ? { alarmEmail } : {}),
  // Its bounds are checked by the Sending construct, which names sendRate too.
  ...(sendRate !== undefined ? { sendRate } : {}),
});
if (senderDomain === undefined)
  Annotations.of(stack).addWarningV2(
    "dun:senderDomain",
    "no senderDomain in context: sending through example.com; deploy with -c senderDomain=<your SES domain>",
  );
