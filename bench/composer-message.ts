/**
 * How dun built its MIME before: the same nodemailer tree (#adapters/ses/raw-message.ts,
 * mimeTree), written by nodemailer's own stream-based `build()`. Kept as the baseline that
 * bench/throughput.bench.ts measures the sender's CPU against, side by side, and that
 * test/unit/raw-message.test.ts compares the bytes of the synchronous builder with.
 */
import type { OutgoingEmail } from "#adapters/ses/mailer.ts";
import { mimeTree, withoutMessageId } from "#adapters/ses/raw-message.ts";

export async function buildRawMessageWithStreams(email: OutgoingEmail): Promise<Buffer> {
  const message = await mimeTree(email).build();
  const end = message.indexOf("\r\n\r\n");
  // The header block is ASCII once encoded; latin1 maps its bytes one to one and back.
  const headers = withoutMessageId(message.subarray(0, end).toString("latin1"));
  return Buffer.concat([Buffer.from(headers, "latin1"), message.subarray(end)]);
}
