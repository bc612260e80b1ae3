/** What the API asks of wherever API keys are kept (#adapters/dynamo/api-key-table.ts): keys by their hash. */
export type ApiKeyRecord = { hash: string; tenantId: string; createdAt: string; label?: string };

export interface ApiKeyStore {
  /** A new key; refused if a key with this hash exists already. */
  put(record: ApiKeyRecord): Promise<void>;
  /** The tenant a key's hash belongs to, if any. */
  tenantOf(hash: string): Promise<string | undefined>;
}
