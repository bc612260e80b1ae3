/** What the application asks of wherever tenants are kept (#adapters/dynamo/tenant-table.ts). */
import type { Policy } from "#domain/ladder/policy.ts";
import type { Tenant } from "#domain/tenant/tenant.ts";

/** A tenant and the addresses it must never email again (complaints, hard bounces). */
export type StoredTenant = { tenant: Tenant; suppressed: ReadonlySet<string> };

export interface TenantStore {
  get(tenantId: string): Promise<StoredTenant | undefined>;
  put(tenant: Tenant): Promise<void>;
  /** Replaces the tenant's policy and nothing else; `false` when there is no such tenant. */
  updatePolicy(tenantId: string, policy: Policy): Promise<boolean>;
  /** Adds an address to the tenant's suppression list; adding it twice changes nothing. */
  suppress(tenantId: string, email: string): Promise<void>;
}
