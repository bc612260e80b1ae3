/**
 * Tenants as they were a moment ago, for what may be a moment old: the events Lambda reads the
 * ladder's policy from here to set an invoice's next slot after a delivery (the sender reads the
 * tenant afresh before it sends, so a policy changed meanwhile decides the email all the same). One
 * read per tenant a minute, per instance, instead of one per event. Never for the suppressed
 * addresses an email is sent by: those are read from the store itself.
 */
import type { StoredTenant, TenantStore } from "#ports/tenant-store.ts";

/** How long a tenant read is used again. */
export const RECENT_TENANT_MS = 60_000;

export function recentTenants(
  store: TenantStore,
  now: () => number,
  ttlMs: number = RECENT_TENANT_MS,
): TenantStore {
  const recent = new Map<string, { at: number; tenant: Promise<StoredTenant | undefined> }>();
  return {
    get(tenantId, addresses) {
      // Which addresses are suppressed must be current: a question about them is never answered from the copy.
      if (addresses && addresses.length > 0) return store.get(tenantId, addresses);
      const at = now();
      const hit = recent.get(tenantId);
      if (hit && at - hit.at < ttlMs && at >= hit.at) return hit.tenant;
      const tenant = store.get(tenantId);
      recent.set(tenantId, { at, tenant });
      // A failed read is not kept: the next event reads again.
      tenant.catch(() => recent.delete(tenantId));
      return tenant;
    },
    put: (tenant) => store.put(tenant),
    updatePolicy: (tenantId, policy) => store.updatePolicy(tenantId, policy),
    suppress: (tenantId, email) => store.suppress(tenantId, email),
    listSuppressed: (tenantId) => store.listSuppressed(tenantId),
  };
}
