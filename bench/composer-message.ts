/**
 * How dun built its MIME before: nodemailer's MailComposer lays the message out and its own
 * stream-based `build()` writes it. Kept as the baseline that bench/throughput.bench.ts measures
 * the sender's CPU against, side by side, and that test/unit/raw-message.test.ts compares the bytes
 * of #adapters/ses/raw-message.ts with: the same checked fields (checkEmail), composed by
 * nodemailer itself.
 */
import MailComposer from "nodemailer/lib/mail-composer";
import MimeNode from "nodemailer/lib/mime-node";
import type { OutgoingEmail } from "#adapters/ses/mailer.ts";
import { checkEmail } from "#adapters/ses/raw-message.ts";

export async function buildRawMessageWithStreams(email: OutgoingEmail): Promise<Buffer> {
  const message = await mimeTree(email).build();
  const end = message.indexOf("\r\n\r\n");
  // The header block is ASCII once encoded; latin1 maps its bytes one to one and back.
  const headers = withoutMessageId(message.subarray(0, end).toString("latin1"));
  return Buffer.concat([Buffer.from(headers, "latin1"), message.subarray(end)]);
}

/** The message as MailComposer lays it out, from the fields raw-message.ts checks. */
function mimeTree(email: OutgoingEmail): MimeNode {
  const checked = checkEmail(email);
  const readReceipt =
    checked.readReceiptTo === undefined
      ? []
      : [
          {
            key: "Disposition-Notification-To",
            // RFC 8098's header holds an address, so it is encoded as one, not as text.
            value: {
              prepared: true,
              foldLines: true,
              value: MimeNode.encodeHeaderValue("To", checked.readReceiptTo),
            },
          },
        ];
  const composer = new MailComposer({
    from: checked.from,
    to: checked.to,
    cc: checked.cc.length > 0 ? checked.cc : undefined,
    replyTo: checked.replyTo,
    subject: checked.subject,
    text: checked.text,
    html: checked.html,
    headers: [...readReceipt, ...checked.headers.map(({ name, value }) => ({ key: name, value }))],
    // Bodies are strings; nodemailer must never go and read a file or a URL on dun's behalf.
    disableFileAccess: true,
    disableUrlAccess: true,
    newline: "win",
  });
  return composer.compile();
}

/**
 * MailComposer always writes a Message-ID, and SES replaces any Message-ID it is given with its
 * own (Amazon SES header fields, developer guide), so dun writes none: the header is taken out of
 * the baseline too.
 */
function withoutMessageId(headers: string): string {
  const kept: string[] = [];
  let dropping = false;
  for (const line of headers.split("\r\n")) {
    const continuation = line.startsWith(" ") || line.startsWith("\t");
    if (!continuation) dropping = /^message-id:/i.test(line);
    if (!dropping) kept.push(line);
  }
  return kept.join("\r\n");
}
