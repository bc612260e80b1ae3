/**
 * The upload shape of one invoice (JSON, or a CSV row once its columns are nested). Amounts come
 * in as decimal strings and leave as integer minor units of the invoice's currency.
 */
import * as z from "zod";
import { compareDates } from "#domain/calendar/iso-date.ts";
import { SchedulableDateSchema } from "#domain/calendar/schedulable-date.ts";
import { CurrencyCodeSchema } from "#domain/money/currency.ts";
import { type MoneyParseError, parseAmount } from "#domain/money/money.ts";
import {
  classifyPaymentReference,
  type PaymentReference,
  PaymentReferenceTypeSchema,
} from "#domain/payment/payment-reference.ts";
import { HttpsUrlSchema, IsoDateSchema, singleLineText, utf8Bytes } from "#domain/text.ts";
import { CustomerInputSchema } from "./customer.ts";

export const INVOICE_NUMBER = /^[A-Za-z0-9._/-]{1,64}$/;

export const InvoiceNumberSchema = z
  .string()
  .regex(INVOICE_NUMBER, "must be 1-64 characters of letters, digits and . _ / -");

/** Faults that depend on the currency's decimals, and so are judged once the currency is known. */
const CURRENCY_DEPENDENT = new Set<MoneyParseError["code"]>(["ambiguous", "too_many_decimals", "too_large"]);

/**
 * Amounts are strings so that no float ever holds money; numbers are refused with a hint. The
 * exact reading needs the currency (its decimals), so it happens once the whole invoice is valid;
 * what is wrong whatever the currency (a sign, letters) is said here, with the other fields' errors.
 */
export const DecimalTextSchema = z
  .string({ error: 'must be a decimal string such as "12500.00"' })
  .max(32)
  .superRefine((text, ctx) => {
    // Read as EUR only for what does not depend on the currency (a sign, letters), so that the
    // message's examples look like most invoices' amounts; the rest waits for the real currency.
    const parsed = parseAmount(text, "EUR");
    if (!parsed.ok && !CURRENCY_DEPENDENT.has(parsed.error.code)) {
      ctx.addIssue({ code: "custom", message: parsed.error.message });
    }
  });

const InvoiceLineInputSchema = z.strictObject({
  description: singleLineText(500),
  quantity: z
    .string()
    .regex(/^\d{1,9}(\.\d{1,4})?$/, "must be a decimal number such as 2 or 1.5")
    .optional(),
  amount: DecimalTextSchema,
});

const EarlyPaymentDiscountInputSchema = z.strictObject({
  /** A percentage as a decimal string: "2" or "2.5". */
  percent: z.string().regex(/^(\d{1,2})(\.\d{1,2})?$/, "must be a percentage below 100 such as 2 or 2.5"),
  withinDays: z.number().int().min(1).max(365),
});

/** "2.5" → 250, read digit by digit so that no float rounding touches it. */
function percentToBasisPoints(percent: string): number {
  const [whole = "0", fraction = ""] = percent.split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
}

/**
 * An invoice's lines, all together, at most: the invoice item must stay far from DynamoDB's 400 KB
 * (counted in UTF-8 bytes), so that every later write to it fits — above all the one recording a
 * reminder SES took, which must never fail for want of room. Everything else on an invoice is a few
 * kilobytes at most (test/integration/item-size.test.ts).
 */
export const MAX_LINES_BYTES = 160 * 1024;

export const InvoiceInputSchema = z
  .strictObject({
    invoiceNumber: InvoiceNumberSchema,
    currency: CurrencyCodeSchema,
    amount: DecimalTextSchema,
    amountPaid: DecimalTextSchema.optional(),
    issueDate: IsoDateSchema,
    dueDate: SchedulableDateSchema,
    customer: CustomerInputSchema,
    paymentReference: z
      .string()
      .trim()
      // "<" appears in Danish FIK lines (+71<…+…<); nothing else that could build markup is allowed.
      .regex(/^[A-Za-z0-9 +/<-]{1,35}$/, "must be 1-35 letters, digits, spaces or + / < -")
      .optional(),
    /** Which scheme the reference follows; dun infers it from its shape and the debtor's country when left out. */
    paymentReferenceType: PaymentReferenceTypeSchema.optional(),
    paymentUrl: HttpsUrlSchema.optional(),
    lines: z
      .array(InvoiceLineInputSchema)
      .max(500)
      .refine((lines) => utf8Bytes(JSON.stringify(lines)) <= MAX_LINES_BYTES, {
        error: `must be at most ${MAX_LINES_BYTES / 1024} KB as UTF-8 text, all lines together`,
      })
      .optional(),
    earlyPaymentDiscount: EarlyPaymentDiscountInputSchema.optional(),
    /** Whether the contract allows reminder fees; some countries (SE) allow them only if agreed. */
    reminderFeeAgreed: z.boolean().optional(),
  })
  // Checked as soon as both dates are readable, even while other fields are wrong, so that an
  // upload's errors come in one round, not two.
  .refine((input) => compareDates(input.dueDate, input.issueDate) >= 0, {
    path: ["dueDate"],
    error: (issue) => `must not be before issueDate (${(issue.input as { issueDate: string }).issueDate})`,
    when: ({ value }) => {
      const dates = value as { issueDate?: unknown; dueDate?: unknown } | undefined;
      return (
        IsoDateSchema.safeParse(dates?.issueDate).success && IsoDateSchema.safeParse(dates?.dueDate).success
      );
    },
  })
  .transform((input, ctx) => {
    const amountIn = (text: string, path: (string | number)[]): number => {
      const parsed = parseAmount(text, input.currency);
      if (parsed.ok) return parsed.value;
      ctx.addIssue({ code: "custom", path, message: parsed.error.message });
      return 0;
    };
    const amount = amountIn(input.amount, ["amount"]);
    const amountPaid = input.amountPaid === undefined ? 0 : amountIn(input.amountPaid, ["amountPaid"]);
    const lines = input.lines?.map((line, index) => ({
      ...line,
      amount: amountIn(line.amount, ["lines", index, "amount"]),
    }));
    if (amount === 0 && input.amount !== undefined && parseAmount(input.amount, input.currency).ok) {
      ctx.addIssue({ code: "custom", path: ["amount"], message: "must be greater than zero" });
    }
    let paymentReference: PaymentReference | undefined;
    if (input.paymentReference !== undefined) {
      const classified = classifyPaymentReference(
        input.paymentReference,
        input.customer.country,
        input.paymentReferenceType,
      );
      if (classified.ok) paymentReference = classified.value;
      else ctx.addIssue({ code: "custom", path: ["paymentReference"], message: classified.error.message });
    }
    const { paymentReferenceType: _type, ...fields } = input;
    const discount = input.earlyPaymentDiscount;
    return {
      ...fields,
      paymentReference,
      amount,
      amountPaid,
      lines,
      earlyPaymentDiscount: discount && {
        rateBp: percentToBasisPoints(discount.percent),
        withinDays: discount.withinDays,
      },
      reminderFeeAgreed: input.reminderFeeAgreed ?? false,
    };
  });
export type InvoiceInput = z.input<typeof InvoiceInputSchema>;
export type ParsedInvoiceInput = z.output<typeof InvoiceInputSchema>;
