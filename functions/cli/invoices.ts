/**
 * `dun status N` (one invoice: where it stands, what dun does next, and everything that happened
 * to it) and `dun list` (a table of invoices, every page of them).
 */
import { toDecimalString } from "#domain/money/money.ts";
import type { DunApi, InvoiceView } from "./api-client.ts";
import { type Terminal, writeJson } from "./command.ts";
import { formatAmount, formatInstant, renderTable } from "./table.ts";

export type InvoicesDeps = { api: Pick<DunApi, "getInvoice" | "listInvoices">; terminal: Terminal };

export async function showStatus(deps: InvoicesDeps, invoiceNumber: string): Promise<void> {
  const invoice = await deps.api.getInvoice(invoiceNumber);
  if (deps.terminal.json) return writeJson(deps.terminal.out, invoice);
  deps.terminal.out.write(statusText(invoice));
}

export type ListOptions = { overdue?: boolean; status?: string; pageSize?: number };

/** Every invoice the filters let through, page after page, until a page comes without a nextCursor. */
export async function listInvoices(deps: InvoicesDeps, options: ListOptions = {}): Promise<void> {
  const invoices: InvoiceView[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.api.listInvoices({
      overdue: options.overdue,
      status: options.status,
      limit: options.pageSize,
      cursor,
    });
    invoices.push(...page.invoices);
    cursor = page.nextCursor;
  } while (cursor !== undefined);

  const { out, json } = deps.terminal;
  if (json) return writeJson(out, { invoices });
  if (invoices.length === 0) {
    out.write(`no invoices${filterText(options)}\n`);
    return;
  }
  out.write(
    renderTable(
      [
        { header: "INVOICE" },
        { header: "CUSTOMER" },
        { header: "STATUS" },
        { header: "STAGE" },
        { header: "DUE DATE" },
        { header: "AMOUNT DUE", align: "right" },
        { header: "" },
        { header: "NEXT" },
      ],
      invoices.map((invoice) => [
        invoice.invoiceNumber,
        clip(invoice.customer.name, 32),
        invoice.overdue ? `${invoice.status}, overdue` : invoice.status,
        invoice.stage ?? "-",
        invoice.dueDate,
        formatAmount(invoice.amountDue),
        invoice.currency,
        nextActionText(invoice.nextAction),
      ]),
    ),
  );
  out.write(`${invoices.length} ${invoices.length === 1 ? "invoice" : "invoices"}${filterText(options)}\n`);
}

function filterText(options: ListOptions): string {
  const filters = [
    ...(options.status ? [`status ${options.status}`] : []),
    ...(options.overdue ? ["overdue"] : []),
  ];
  return filters.length > 0 ? ` (${filters.join(", ")})` : "";
}

export function statusText(invoice: InvoiceView): string {
  const { customer } = invoice;
  const where = [customer.locale, customer.country].filter(Boolean).join(", ");
  const emails = customer.emails?.length ? ` <${customer.emails.join(", ")}>` : "";
  const paid = isZero(invoice.amountPaid) ? "" : `, ${formatAmount(invoice.amountPaid)} paid`;
  const fields: [string, string][] = [
    ["status", invoice.overdue ? `${invoice.status}, overdue` : invoice.status],
    ["stage", invoice.stage === null ? "none emailed yet" : `${invoice.stage} (the last emailed)`],
    [
      "amount due",
      `${formatAmount(invoice.amountDue)} ${invoice.currency} (of ${formatAmount(invoice.amount)}${paid})`,
    ],
    ["issued", invoice.issueDate],
    ["due", invoice.dueDate],
    ["next action", nextActionText(invoice.nextAction)],
  ];
  const lines = [
    `Invoice ${invoice.invoiceNumber}: ${customer.name}${emails}${where ? ` (${where})` : ""}`,
    ...fields.map(([name, value]) => `  ${name.padEnd(13)}${value}`),
  ];
  if (invoice.emails?.length) {
    lines.push("emails");
    for (const email of invoice.emails) {
      const seen = [
        email.delivery,
        email.openedAt ? `opened ${formatInstant(email.openedAt)}` : undefined,
        email.clickedAt ? `link clicked ${formatInstant(email.clickedAt)}` : undefined,
      ].filter(Boolean);
      lines.push(
        `  ${email.stage.padEnd(13)}sent ${formatInstant(email.sentAt)}${seen.length ? `, ${seen.join(", ")}` : ""}`,
      );
    }
  }
  if (invoice.timeline?.length) {
    lines.push("timeline");
    for (const event of invoice.timeline) {
      lines.push(`  ${formatInstant(event.at)}  ${describeEvent(event, invoice.currency)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

const isZero = (decimal: string) => !/[1-9]/.test(decimal);

export function nextActionText(next: InvoiceView["nextAction"]): string {
  const reason = next.reason ? words(next.reason) : undefined;
  switch (next.kind) {
    case "send":
      return `${next.step ?? "email"} at ${next.at ? formatInstant(next.at) : "?"}`;
    case "wait":
      return `wait until ${next.at ? formatInstant(next.at) : "?"}${reason ? ` (${reason})` : ""}`;
    case "none":
      return `none${reason ? ` (${reason})` : ""}`;
    default:
      return next.kind;
  }
}

type Event = { type: string; at: string; [field: string]: unknown };

/** One timeline event in words; its amounts come in minor units and are shown in the invoice's currency. */
export function describeEvent(event: Event, currency: string): string {
  const text = (name: string) => (typeof event[name] === "string" ? (event[name] as string) : undefined);
  const minor = (name: string) => (typeof event[name] === "number" ? (event[name] as number) : undefined);
  const money = (name: string) => {
    const amount = minor(name);
    if (amount === undefined) return "?";
    try {
      return `${formatAmount(toDecimalString({ amount, currency }))} ${currency}`;
    } catch {
      return `${amount} (minor units) ${currency}`;
    }
  };
  const list = (name: string) => (Array.isArray(event[name]) ? (event[name] as unknown[]).join(", ") : "");
  const quoted = (name: string) => (text(name) ? `: "${text(name)}"` : "");
  const stage = text("stage") ?? "";

  let said: string;
  switch (event.type) {
    case "created":
      said = `created, ${money("amount")}${minor("amountPaid") ? `, ${money("amountPaid")} paid` : ""}`;
      break;
    case "amount_changed":
      said = `amount changed from ${money("previousAmount")} to ${money("amount")}`;
      break;
    case "details_changed":
      said = `details changed: ${list("fields")}`;
      break;
    case "payment_recorded":
      said =
        `payment of ${money("amount")} on ${text("date") ?? "?"}${text("reference") ? ` (${text("reference")})` : ""}` +
        `, ${money("outstanding")} outstanding${minor("credit") ? `, ${money("credit")} credit` : ""}`;
      break;
    case "promise_made":
      said = `promised to pay by ${text("promisedDate")}`;
      break;
    case "promise_broken":
      said = `promise to pay by ${text("promisedDate")} broken`;
      break;
    case "dispute_opened":
      said = `disputed${quoted("reason")}`;
      break;
    case "dispute_resolved":
      said = `dispute resolved${quoted("note")}`;
      break;
    case "paused":
      said = `paused until ${text("until")}`;
      break;
    case "payment_plan_started": {
      const installments = Array.isArray(event.installments) ? event.installments.length : 0;
      said = `payment plan of ${installments} installments`;
      break;
    }
    case "payment_plan_broken":
      said = `installment ${(minor("installment") ?? 0) + 1}, due ${text("dueDate")}, missed: the plan is broken`;
      break;
    case "installment_reminder_sent":
      said = `reminder for installment ${(minor("installment") ?? 0) + 1} emailed`;
      break;
    case "contact_failed":
      said = `contact failed (${text("reason")}) at ${text("email")}`;
      break;
    case "contact_updated":
      said = `new address: ${list("emails")}`;
      break;
    case "stage_sent":
      said =
        `${stage} emailed` +
        `${minor("fee") ? `, fee ${money("fee")}` : ""}` +
        `${minor("interest") ? `, interest ${money("interest")}` : ""}` +
        `${text("deadline") ? `, deadline ${text("deadline")}` : ""}`;
      break;
    case "email_delivered":
      said = `${stage} email delivered`;
      break;
    case "email_delayed":
      said = `${stage} email delayed`;
      break;
    case "email_opened":
      said = `${stage} email opened (a read receipt, not proof it was read)`;
      break;
    case "email_clicked":
      said = `${stage} email: payment link clicked`;
      break;
    case "email_bounced":
      said = `${stage} email bounced (${text("bounceType")}) at ${list("recipients")}`;
      break;
    case "email_complained":
      said = `${stage} email: complaint from ${list("recipients")}`;
      break;
    case "email_rejected":
      said = `${stage} email rejected${quoted("reason")}`;
      break;
    case "cancelled":
      said = `cancelled${quoted("reason")}${minor("refundDue") ? `, ${money("refundDue")} to refund` : ""}`;
      break;
    case "written_off":
      said = `${money("amount")} written off${quoted("reason")}`;
      break;
    default:
      said = words(event.type);
  }
  const from = text("from");
  const to = text("to");
  const moved = to && to !== from ? (from ? ` [${from} → ${to}]` : ` [${to}]`) : "";
  return said + moved;
}

function words(key: string): string {
  return key.replaceAll("_", " ");
}

function clip(text: string, max: number): string {
  const characters = [...text];
  return characters.length <= max ? text : `${characters.slice(0, max - 1).join("")}…`;
}
