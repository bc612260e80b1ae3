/** What the application asks of wherever tenants are kept (#adapters/dynamo/tenant-table.ts). */
import type { Policy } from "#domain/ladder/policy.ts";
import type { Tenant } from "#domain/tenant/tenant.ts";

/**
 * A tenant, and which of the addresses it was asked about it must never email again (complaints,
 * hard bounces), as they were spelled in the question.
 */
export type StoredTenant = { tenant: Tenant; suppressed: ReadonlySet<string> };

export interface TenantStore {
  /**
   * The tenant, and which of `addresses` are suppressed (in the same read: the sender passes the
   * addresses of the invoice it is about to email).
   */
  get(tenantId: string, addresses?: readonly string[]): Promise<StoredTenant | undefined>;
  put(tenant: Tenant): Promise<void>;
  /** Replaces the tenant's policy and nothing else; `false` when there is no such tenant. */
  updatePolicy(tenantId: string, policy: Policy): Promise<boolean>;
  /** Adds an address to the tenant's suppression list; adding it twice changes nothing. */
  suppress(tenantId: string, email: string): Promise<void>;
  /** Every address the tenant must never email again, in order (for operators and audits; it reads them all). */
  listSuppressed(tenantId: string): Promise<string[]>;
}
