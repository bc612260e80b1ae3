import fc from "fast-check";
// @ts-expect-error mailparser ships no type declarations; only the tests read MIME back, through the types below.
import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import type { OutgoingEmail } from "#adapters/ses/mailer.ts";
import { buildRawMessage } from "#adapters/ses/raw-message.ts";
import { buildRawMessageWithStreams } from "../../bench/composer-message.ts";

type ParsedAddresses = { value: { name: string; address: string }[] };
type ParsedMail = {
  from?: ParsedAddresses;
  to?: ParsedAddresses;
  cc?: ParsedAddresses;
  bcc?: ParsedAddresses;
  replyTo?: ParsedAddresses;
  subject?: string;
  text?: string;
  html?: string | false;
  headers: Map<string, unknown>;
  headerLines: { key: string; line: string }[];
};
const parse = (raw: Buffer): Promise<ParsedMail> => simpleParser(raw);

const EMAIL: OutgoingEmail = {
  from: "Nordlys Regnskap Tromsø <dun@send.nordlys.example>",
  to: ["faktura@fjordlys.example", "regnskap@fjordlys.example"],
  cc: ["kari@seller.example"],
  replyTo: "faktura@nordlys.example",
  subject: "Påminnelse: faktura 2026-1001 – 1 234,50 kr",
  html: "<p>Hei Fjordlys AS,</p><p>Vi har ikke mottatt betaling for faktura 2026-1001.</p>",
  text: "Hei Fjordlys AS,\n\nVi har ikke mottatt betaling for faktura 2026-1001.",
  tags: { tenant: "nordlys", invoice: "2026-1001" },
  readReceiptTo: "faktura@nordlys.example",
  headers: { "X-Dun-Claim": "3f0c6a2e-claim" },
};

const HEADER_NAMES = [
  "cc",
  "content-type",
  "date",
  "disposition-notification-to",
  "from",
  "mime-version",
  "reply-to",
  "subject",
  "to",
  "x-dun-claim",
];

/** A message with what differs between two builds (the random boundary, the date) taken out. */
const comparable = (raw: Buffer) =>
  raw
    .toString("latin1")
    .replace(/--_NmP-[0-9a-f]+-Part_1/g, "BOUNDARY")
    .replace(/^Date: .*$/m, "Date: DATE");
const addresses = (field: ParsedAddresses | undefined) =>
  field?.value.map((mailbox) => mailbox.address) ?? [];
const headerNames = (mail: ParsedMail) => mail.headerLines.map((header) => header.key).sort();

describe("buildRawMessage", () => {
  it("writes a UTF-8 multipart/alternative email that parses back to what was asked for", async () => {
    // Act
    const mail = await parse(await buildRawMessage(EMAIL));

    // Assess
    expect(mail.from?.value).toEqual([
      { name: "Nordlys Regnskap Tromsø", address: "dun@send.nordlys.example" },
    ]);
    expect(addresses(mail.to)).toEqual(["faktura@fjordlys.example", "regnskap@fjordlys.example"]);
    expect(addresses(mail.cc)).toEqual(["kari@seller.example"]);
    expect(addresses(mail.replyTo)).toEqual(["faktura@nordlys.example"]);
    expect(mail.subject).toBe("Påminnelse: faktura 2026-1001 – 1 234,50 kr");
    expect(mail.text).toBe(EMAIL.text);
    expect(mail.html).toBe(EMAIL.html);
    expect(mail.headers.get("content-type")).toMatchObject({ value: "multipart/alternative" });
    expect(addresses(mail.headers.get("disposition-notification-to") as ParsedAddresses)).toEqual([
      "faktura@nordlys.example",
    ]);
    expect(mail.headers.get("x-dun-claim")).toBe("3f0c6a2e-claim");
  });

  it("puts the plain text before the HTML, so a client that shows the first part shows words", async () => {
    // Act
    const raw = (await buildRawMessage(EMAIL)).toString("latin1");

    // Assess
    expect(raw.indexOf("Content-Type: text/plain")).toBeGreaterThan(0);
    expect(raw.indexOf("Content-Type: text/plain")).toBeLessThan(raw.indexOf("Content-Type: text/html"));
  });

  it("leaves the Message-ID to SES, which replaces any it is given", async () => {
    // Act
    const raw = (await buildRawMessage(EMAIL)).toString("latin1");

    // Assess
    expect(raw).not.toMatch(/^message-id:/im);
    expect(headerNames(await parse(Buffer.from(raw, "latin1")))).toEqual(HEADER_NAMES);
  });

  it("writes lines that end in CRLF, as RFC 5322 asks, whatever the text part used", async () => {
    // Act
    const raw = (await buildRawMessage(EMAIL)).toString("latin1");

    // Assess
    expect(raw).not.toMatch(/[^\r]\n/);
  });

  it("leaves out Cc and the read-receipt request when there are none", async () => {
    // Prepare
    const { readReceiptTo: _, headers: __, ...plain } = EMAIL;

    // Act
    const mail = await parse(await buildRawMessage({ ...plain, cc: [] }));

    // Assess
    expect(headerNames(mail)).toEqual([
      "content-type",
      "date",
      "from",
      "mime-version",
      "reply-to",
      "subject",
      "to",
    ]);
  });

  describe("cannot be made to carry a header nobody asked for", () => {
    const INJECTION = "\r\nBcc: everyone@attacker.example";
    const hostile: [string, Partial<OutgoingEmail>][] = [
      ["subject", { subject: `Påminnelse${INJECTION}` }],
      ["from", { from: `Nordlys${INJECTION} <dun@send.nordlys.example>` }],
      ["from", { from: `Nordlys <dun@send.nordlys.example>${INJECTION}` }],
      ["to[1]", { to: ["faktura@fjordlys.example", `x@fjordlys.example${INJECTION}`] }],
      ["cc[0]", { cc: [`kari@seller.example\nBcc: everyone@attacker.example`] }],
      ["replyTo", { replyTo: `faktura@nordlys.example\rBcc: everyone@attacker.example` }],
      ["readReceiptTo", { readReceiptTo: `faktura@nordlys.example${INJECTION}` }],
      ["headers.X-Dun-Claim", { headers: { "X-Dun-Claim": `c-1${INJECTION}` } }],
      ["headers", { headers: { [`X-Dun-Claim${INJECTION}`]: "c-1" } }],
      ["headers", { headers: { Bcc: "everyone@attacker.example" } }],
      ["headers", { headers: { "X-SES-CONFIGURATION-SET": "someone-elses" } }],
      ["subject", { subject: "Påminnelse\u2028Bcc: everyone@attacker.example" }],
    ];

    it.each(hostile)(
      "refuses a line break or forbidden header in %s with a TypeError naming it",
      async (field, change) => {
        // Act
        const building = buildRawMessage({ ...EMAIL, ...change });

        // Assess
        await expect(building).rejects.toThrow(TypeError);
        await expect(building).rejects.toThrow(field);
      },
    );

    it("keeps a display name full of address syntax a name, with no extra recipient", async () => {
      // Prepare
      const name = 'Evil, "Boss" <boss@attacker.example>; Bcc: everyone@attacker.example';

      // Act
      const mail = await parse(
        await buildRawMessage({ ...EMAIL, from: `${name} <dun@send.nordlys.example>` }),
      );

      // Assess
      expect(mail.from?.value).toEqual([{ name, address: "dun@send.nordlys.example" }]);
      expect(addresses(mail.to)).toEqual(EMAIL.to);
      expect(mail.bcc).toBeUndefined();
      expect(headerNames(mail)).toEqual(HEADER_NAMES);
    });

    it("gives back any one-line subject and display name exactly, and never another header", async () => {
      // Prepare: any printable text, the header syntax characters made more likely.
      const printable = fc
        .string({
          unit: fc.oneof(
            fc.constantFrom(":", ";", ",", "<", ">", "@", '"', "\\", "=?", "?=", "_", " ", "Bcc: "),
            fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }),
          ),
          minLength: 1,
          maxLength: 80,
        })
        .map((text) =>
          text
            .replace(/[\p{Cc}\u2028\u2029]/gu, "")
            .replace(/\s+/gu, " ")
            .trim(),
        )
        .filter((text) => text.length > 0);

      await fc.assert(
        fc.asyncProperty(printable, printable, async (subject, name) => {
          // Act
          const mail = await parse(
            await buildRawMessage({ ...EMAIL, subject, from: `${name} <dun@send.nordlys.example>` }),
          );

          // Assess
          expect(mail.subject).toBe(subject);
          expect(mail.from?.value).toEqual([{ name, address: "dun@send.nordlys.example" }]);
          expect(headerNames(mail)).toEqual(HEADER_NAMES);
        }),
        { numRuns: 200 },
      );
    });
  });

  it("writes a debtor's email in Cyrillic that parses back exactly: subject, names and both bodies", async () => {
    // Prepare: a text part mostly outside Latin, which nodemailer encodes as base64, not quoted-printable.
    const russian: OutgoingEmail = {
      ...EMAIL,
      from: "ООО «Северное сияние» <dun@send.nordlys.example>",
      to: ["Бухгалтерия Шарик <faktura@fjordlys.example>"],
      cc: [],
      subject: "Напоминание: счёт 2026-1001 — 12 500,00 ₽",
      text: "Здравствуйте, ООО «Шарик»!\n\nМы не получили оплату по счёту 2026-1001.\nСумма к оплате: 12 500,00 ₽.",
      html: "<p>Здравствуйте, ООО «Шарик»!</p><p>Сумма к оплате: <b>12&nbsp;500,00&nbsp;₽</b></p>",
    };

    // Act
    const raw = await buildRawMessage(russian);
    const mail = await parse(raw);

    // Assess
    expect(raw.toString("latin1")).toMatch(/^Content-Transfer-Encoding: base64\r$/m);
    expect(mail.from?.value).toEqual([
      { name: "ООО «Северное сияние»", address: "dun@send.nordlys.example" },
    ]);
    expect(mail.to?.value).toEqual([{ name: "Бухгалтерия Шарик", address: "faktura@fjordlys.example" }]);
    expect(mail.subject).toBe(russian.subject);
    expect(mail.text).toBe(russian.text);
    expect(mail.html).toBe(russian.html);
  });

  it("writes byte for byte what nodemailer's own stream-based build writes, boundary and date aside", async () => {
    // Prepare: any text, with the characters that decide an encoding made more likely.
    const text = fc.string({
      unit: fc.oneof(
        fc.constantFrom("\n", "\r\n", " ", "\t", "=", ".", '<a href="x">', "—", "ø", "Ш", "€", "😀"),
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }),
      ),
      maxLength: 400,
    });
    const oneLine = text.map((t) => t.replace(/[\p{Cc}\u2028\u2029]/gu, " ").trim() || "x");

    await fc.assert(
      fc.asyncProperty(oneLine, oneLine, text, text, async (subject, name, plain, html) => {
        // Prepare
        const email = { ...EMAIL, subject, from: `${name} <dun@send.nordlys.example>`, text: plain, html };

        // Act
        const [built, streamed] = await Promise.all([
          buildRawMessage(email),
          buildRawMessageWithStreams(email),
        ]);

        // Assess
        expect(comparable(built)).toBe(comparable(streamed));
      }),
      { numRuns: 300 },
    );
  });

  it("writes byte for byte what nodemailer writes for any addresses, names and extra headers", async () => {
    // Prepare: local parts that are and are not dot-atoms, domains in upper case and in Unicode
    // (nodemailer writes their A-labels, or their U-labels beside a non-ASCII local part) and ones
    // no URL parser may see or too long to be domains, names
    // that go out bare, quoted or encoded, and X- headers in any casing, blank values among them.
    const local = fc.constantFrom("info", "a.b", "a..b", ".lead", "x!y", "o'brien", "a+b", "ärla", "kari_n");
    const domain = fc.constantFrom(
      "example.com",
      "Example.COM",
      "bücher.example",
      "xn--bcher-kva.example",
      "ÉCOLE.fr",
      "a_b.example",
      "straẞe.de",
      "bücher。example",
      "Evil.Example/Mail.Corp.example",
      "a%41.example",
      "x?y#z.example",
      `${"Ø".repeat(64)}.Example`,
      `${"Long.".repeat(51)}example`,
      "Bücher.Example?x",
      `${"Ø".repeat(64)}.Example/x`,
    );
    const name = fc.constantFrom(
      "",
      "Kari",
      "Kari Nordmann",
      "Berg, Dahl & Co",
      'Evil "Boss"',
      "Tromsø AS",
      "Шарик",
      "😀 Smile",
    );
    const address = fc
      .tuple(name, local, domain)
      .map(([who, user, host]) => (who ? `${who} <${user}@${host}>` : `${user}@${host}`));
    const headerName = fc.constantFrom("X-Dun-Claim", "X-claim-id", "X-TRACE-md5", "X-a", "X-Spf", "X-B-fbl");
    const headerValue = fc.constantFrom(
      "",
      "   ",
      "c-1",
      "Tromsø",
      "=?utf-8?Q?x?=",
      "a".repeat(90),
      "Шарик и Ко",
    );
    const headers = fc
      .uniqueArray(fc.tuple(headerName, headerValue), {
        selector: ([key]) => key.toLowerCase(),
        maxLength: 3,
      })
      .map((entries) => Object.fromEntries(entries));

    await fc.assert(
      fc.asyncProperty(
        fc.record({
          from: address,
          to: fc.array(address, { minLength: 1, maxLength: 3 }),
          cc: fc.array(address, { maxLength: 2 }),
          replyTo: address,
          readReceiptTo: fc.option(address, { nil: undefined }),
          headers,
        }),
        async (fields) => {
          // Prepare
          const { readReceiptTo, ...rest } = fields;
          const email: OutgoingEmail = {
            ...EMAIL,
            ...rest,
            ...(readReceiptTo === undefined ? { readReceiptTo: undefined } : { readReceiptTo }),
          };
          if (readReceiptTo === undefined) delete email.readReceiptTo;

          // Act
          const [built, streamed] = await Promise.all([
            buildRawMessage(email),
            buildRawMessageWithStreams(email),
          ]);

          // Assess
          expect(comparable(built)).toBe(comparable(streamed));
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([
    ["no text", { text: "" }],
    ["no HTML", { html: "" }],
    ["neither", { text: "", html: "" }],
    ["no subject", { subject: "" }],
  ])("writes byte for byte what nodemailer writes for an email with %s", async (_, change) => {
    // Act
    const [built, streamed] = await Promise.all([
      buildRawMessage({ ...EMAIL, ...change }),
      buildRawMessageWithStreams({ ...EMAIL, ...change }),
    ]);

    // Assess
    expect(comparable(built)).toBe(comparable(streamed));
  });

  it("refuses an email without a recipient", async () => {
    // Act
    const building = buildRawMessage({ ...EMAIL, to: [] });

    // Assess
    await expect(building).rejects.toThrow(/^to:/);
  });
});
