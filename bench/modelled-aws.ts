/**
 * The AWS that bench/throughput.bench.ts sends through, in a process of its own so that the
 * sender's CPU is measured alone: DynamoDB (dynalite) and a modelled SES that speaks the
 * SendRawEmail API and keeps to a sending rate as SES does, answering Throttling "Maximum sending
 * rate exceeded." to a send beyond it. Prints one line of JSON with the endpoints when ready.
 *
 * The rate is a token bucket: refilled at `rate` a second, holding one second of sends and never
 * fewer than three (SES lets short bursts over the rate through, and two sender instances that
 * each keep to half of a rate of 1 can send within a moment of each other). Time can run slower than
 * the wall clock (`scale` real milliseconds to a modelled one), so that the rates of a large
 * account can be modelled on a small machine: the bucket, and the answer's latency, follow it.
 *
 * POST /_model {rate, scale, latencyMs} starts a run (empty bucket counters, the bucket full);
 * GET /_model answers {accepted, throttled} so far. Anything else is the SES API.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import * as z from "zod";
import { startDynalite } from "#local/local-dynamo.ts";

const ModelSchema = z.object({
  rate: z.number().positive(),
  scale: z.number().min(1),
  latencyMs: z.number().min(0),
});

let model = { rate: 1, scale: 1, latencyMs: 0 };
let tokens = 0;
let filledAt = performance.now();
let accepted = 0;
let throttled = 0;

const capacity = () => Math.max(3, model.rate);

/** Takes a send's token if the bucket has one, after refilling it for the modelled time since the last. */
function take(): boolean {
  const now = performance.now();
  tokens = Math.min(capacity(), tokens + ((now - filledAt) / model.scale / 1000) * model.rate);
  filledAt = now;
  if (tokens < 1) return false;
  tokens -= 1;
  return true;
}

const NAMESPACE = "http://ses.amazonaws.com/doc/2010-12-01/";
const sent = (messageId: string) =>
  `<SendRawEmailResponse xmlns="${NAMESPACE}"><SendRawEmailResult><MessageId>${messageId}</MessageId></SendRawEmailResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></SendRawEmailResponse>`;
const throttling = () =>
  `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Maximum sending rate exceeded.</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;

const dynamo = await startDynalite();
const ses = createServer(async (request, response) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString("utf8");
  if (request.url === "/_model") {
    if (request.method === "POST") {
      model = ModelSchema.parse(JSON.parse(body));
      tokens = capacity();
      filledAt = performance.now();
      accepted = 0;
      throttled = 0;
    }
    response
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ accepted, throttled }));
    return;
  }
  const form = new URLSearchParams(body);
  if (form.get("Action") !== "SendRawEmail" || !form.get("RawMessage.Data")) {
    response
      .writeHead(400, { "content-type": "text/xml" })
      .end(
        `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>SendRawEmail only</Message></Error></ErrorResponse>`,
      );
    return;
  }
  // Decided on arrival, answered after the modelled latency, as a remote SES would.
  const ok = take();
  if (ok) accepted += 1;
  else throttled += 1;
  if (model.latencyMs > 0) await sleep(model.latencyMs * model.scale);
  if (ok) response.writeHead(200, { "content-type": "text/xml" }).end(sent(`0100${randomUUID()}-000000`));
  else response.writeHead(400, { "content-type": "text/xml" }).end(throttling());
});
await new Promise<void>((resolve) => ses.listen(0, "127.0.0.1", resolve));

process.stdout.write(
  `${JSON.stringify({
    dynamo: dynamo.endpoint,
    tableName: dynamo.tableName,
    ses: `http://127.0.0.1:${(ses.address() as AddressInfo).port}`,
  })}\n`,
);
// The bench ends this process by closing its stdin.
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
