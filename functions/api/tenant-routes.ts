/**
 * The tenant's own settings and reports: the dunning policy (checked against the law of every
 * country dun knows before it is stored) and the aging report of what is still owed.
 */
import { PolicySchema } from "#domain/ladder/policy.ts";
import { agingReportOf } from "#domain/reports/totals.ts";
import { checkPolicy, type PolicyWarning } from "#domain/rules/policy-check.ts";
import type { RouteHandler } from "./http-request.ts";
import { json, pathOf, problem } from "./problem.ts";
import { MAX_ACTION_BODY_BYTES, readJsonBody } from "./request-body.ts";

/**
 * Stores a new policy. Each invoice follows it from its next decision on: the dispatcher decides
 * again whenever an invoice comes due, so nothing already scheduled has to be rewritten.
 */
export const putPolicy: RouteHandler = async (deps, tenant, request) => {
  const body = readJsonBody(request, PolicySchema, MAX_ACTION_BODY_BYTES);
  if (!body.ok) return body.error;
  const today = deps.now().toISOString().slice(0, 10);
  const { violations, warnings } = checkPolicy(body.value, today);
  if (violations.length > 0) {
    return problem(422, "the policy breaks the law of a country its debtors may be in", {
      errors: violations.map((violation) => ({
        path: pathOf(violation.path),
        message: violation.message,
        rule: violation.rule,
        country: violation.country,
        customerType: violation.customerType,
        source: violation.source,
      })),
      warnings: warnings.map(warningOf),
    });
  }
  if (!(await deps.tenants.updatePolicy(tenant.id, body.value))) return problem(404, "no such tenant");
  return json(200, {
    policy: JSON.parse(request.body ?? "{}"),
    checkedOn: today,
    warnings: warnings.map(warningOf),
  });
};

/** A rule the policy breaks for some debtors, which dun corrects for them at send time. */
function warningOf(warning: PolicyWarning) {
  return {
    path: pathOf(warning.path),
    message: warning.message,
    rule: warning.rule,
    country: warning.country,
    customerTypes: warning.customerTypes,
    source: warning.source,
  };
}

/** From the totals by due date the invoice writes keep, bucketed for today: no invoice is read. */
export const getAgingReport: RouteHandler = async (deps, tenant) => {
  const totals = await deps.invoices.dueDateTotals(tenant.id);
  return json(200, agingReportOf(totals, deps.now()));
};
