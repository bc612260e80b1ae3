import { describe, expect, it } from "vitest";
import * as z from "zod";
import { fieldErrorsOf, json, type ProblemStatus, problem } from "#api/problem.ts";

const bodyOf = (response: { body: string }) => JSON.parse(response.body) as Record<string, unknown>;

describe("problem", () => {
  it.each<[ProblemStatus, string, string]>([
    [400, "https://dun.dev/problems/malformed", "Malformed request"],
    [401, "https://dun.dev/problems/unauthorized", "Unauthorized"],
    [403, "https://dun.dev/problems/forbidden", "Forbidden"],
    [404, "https://dun.dev/problems/not-found", "Not found"],
    [405, "https://dun.dev/problems/method-not-allowed", "Method not allowed"],
    [409, "https://dun.dev/problems/conflict", "Conflict"],
    [413, "https://dun.dev/problems/too-large", "Content too large"],
    [415, "https://dun.dev/problems/unsupported-media-type", "Unsupported media type"],
    [422, "https://dun.dev/problems/validation", "Validation failed"],
    [500, "https://dun.dev/problems/internal", "Internal error"],
  ])("answers %i as problem+json of type %s, titled %s, never cached", (status, type, title) => {
    // Act
    const response = problem(status);

    // Assess
    expect(response.statusCode).toBe(status);
    expect(response.headers).toEqual({
      "Content-Type": "application/problem+json",
      "Cache-Control": "no-store",
    });
    expect(bodyOf(response)).toMatchObject({ type, title, status });
  });

  it("carries the detail and the field errors it is given", () => {
    // Act
    const response = problem(422, "2 fields are invalid.", {
      errors: [{ path: "customer.email", message: "Invalid email address" }],
    });

    // Assess
    expect(bodyOf(response)).toEqual({
      type: "https://dun.dev/problems/validation",
      title: "Validation failed",
      status: 422,
      detail: "2 fields are invalid.",
      errors: [{ path: "customer.email", message: "Invalid email address" }],
    });
  });

  it("keeps extensions from overwriting the members RFC 9457 defines", () => {
    const body = bodyOf(problem(409, "The invoice is paid.", { type: "x", status: 200, state: "paid" }));

    expect(body).toMatchObject({ type: "https://dun.dev/problems/conflict", status: 409, state: "paid" });
  });

  it("leaves out detail when there is none", () => {
    expect(bodyOf(problem(404))).not.toHaveProperty("detail");
  });

  it("never lets a 500 carry what the caller passes: a fixed detail, no extensions", () => {
    // Act
    const response = problem(500, "ECONNREFUSED dun-prod table at 10.0.3.7", {
      errors: [{ path: "stack", message: "at InvoiceTable.get" }],
      table: "dun-prod",
    });

    // Assess
    expect(response.body).not.toMatch(/ECONNREFUSED|dun-prod|InvoiceTable/);
    expect(bodyOf(response)).toEqual({
      type: "https://dun.dev/problems/internal",
      title: "Internal error",
      status: 500,
      detail: expect.any(String),
    });
  });
});

describe("json", () => {
  it("answers application/json with the body serialized and any further headers", () => {
    const response = json(201, { created: 1 }, { Location: "/v1/invoices/2026-1001" });

    expect(response).toEqual({
      statusCode: 201,
      headers: { "Content-Type": "application/json", Location: "/v1/invoices/2026-1001" },
      body: '{"created":1}',
    });
  });
});

describe("fieldErrorsOf", () => {
  const errorsOf = (schema: z.ZodType, input: unknown, prefix?: (string | number)[]) => {
    const result = schema.safeParse(input);
    if (result.success) throw new Error("the input was expected to fail");
    return fieldErrorsOf(result.error, prefix);
  };

  const Invoice = z.object({
    customer: z.object({ email: z.email() }),
    lines: z.array(z.object({ amount: z.number().positive() })),
  });

  it("writes nested paths with dots and array positions in brackets, with zod's own message", () => {
    // Prepare
    const input = {
      customer: { email: "not an address" },
      lines: [{ amount: 1 }, { amount: 2 }, { amount: -3 }],
    };
    const zodMessages = Invoice.safeParse(input).error?.issues.map((issue) => issue.message);

    // Act
    const errors = errorsOf(Invoice, input);

    // Assess
    expect(errors.map((error) => error.path)).toEqual(["customer.email", "lines[2].amount"]);
    expect(errors.map((error) => error.message)).toEqual(zodMessages);
  });

  it("starts with the position for an array at the root", () => {
    const errors = errorsOf(z.array(z.object({ amount: z.number() })), [
      { amount: 1 },
      {},
      {},
      { amount: "7" },
    ]);

    expect(errors.map((error) => error.path)).toEqual(["[1].amount", "[2].amount", "[3].amount"]);
  });

  it("places the errors under a prefix", () => {
    const errors = errorsOf(z.object({ amount: z.number() }), {}, ["invoices", 4]);

    expect(errors.map((error) => error.path)).toEqual(["invoices[4].amount"]);
  });

  it("gives the value itself the empty path", () => {
    expect(errorsOf(z.string(), 3)).toEqual([
      { path: "", message: "Invalid input: expected string, received number" },
    ]);
  });

  it("gives each unrecognized key an error of its own, at the key", () => {
    // Act
    const errors = errorsOf(z.strictObject({ customer: z.strictObject({ name: z.string() }) }), {
      customer: { name: "Fjord AS", nmae: "Fjord", "e.mail": "x" },
    });

    // Assess
    expect(errors).toEqual([
      { path: "customer.nmae", message: 'Unrecognized keys: "nmae", "e.mail"' },
      { path: 'customer["e.mail"]', message: 'Unrecognized keys: "nmae", "e.mail"' },
    ]);
  });

  describe("in a union", () => {
    const Payment = z.union([
      z.strictObject({ kind: z.literal("card"), last4: z.string().length(4) }),
      z.strictObject({ kind: z.literal("transfer"), reference: z.string(), bank: z.string() }),
    ]);

    it("takes the branch the input's fixed values point to", () => {
      // Though the card branch has fewer complaints (kind, reference, bank vs last4, payer, bank)
      const errors = errorsOf(z.object({ payment: Payment }), {
        payment: { kind: "transfer", reference: 7, payer: "Fjord AS" },
      });

      expect(errors).toEqual([
        { path: "payment.reference", message: "Invalid input: expected string, received number" },
        { path: "payment.bank", message: "is required" },
        { path: "payment.payer", message: 'Unrecognized key: "payer"' },
      ]);
    });

    it("takes the branch with the fewest complaints when nothing else tells them apart", () => {
      // Prepare
      const Contact = z.union([
        z.strictObject({ email: z.email() }),
        z.strictObject({ phone: z.string(), country: z.string().length(2) }),
      ]);

      // Act: the email branch misses email and knows neither key; the phone branch only dislikes a number
      const errors = errorsOf(Contact, { phone: 4722000000, country: "NO" });

      // Assess
      expect(errors).toEqual([{ path: "phone", message: "Invalid input: expected string, received number" }]);
    });

    it("keeps zod's own issue at the union when no branch fits the value at all", () => {
      const errors = errorsOf(z.object({ amount: z.union([z.string(), z.number()]) }), { amount: true });

      expect(errors).toEqual([{ path: "amount", message: "Invalid input" }]);
    });

    it("reports the one branch zod picks itself, with the paths under the union", () => {
      const errors = errorsOf(z.object({ due: z.union([z.string(), z.object({ days: z.number() })]) }), {
        due: { days: "30" },
      });

      expect(errors).toEqual([
        { path: "due.days", message: "Invalid input: expected number, received string" },
      ]);
    });
  });
});
