/**
 * What every route is given: the request as plain data (the Lambda handler and the local server
 * both build one), the tables it may use, and the tenant its API key named.
 */

import type { Tenant } from "#domain/tenant/tenant.ts";
import type { ApiKeyStore } from "#ports/api-key-store.ts";
import type { InvoiceStore } from "#ports/invoice-store.ts";
import type { TenantStore } from "#ports/tenant-store.ts";
import type { UploadFiles, UploadJobStore } from "#ports/upload-job-store.ts";
import type { SendWindow } from "#sending/send-window.ts";
import type { NotUtf8 } from "./body-text.ts";
import type { ApiResponse } from "./problem.ts";

export type ApiDeps = {
  invoices: InvoiceStore;
  tenants: TenantStore;
  apiKeys: ApiKeyStore;
  now: () => Date;
  /** How long a reminder on its way may still reach SES (#sending/send-window.ts); an action waits it out. */
  sendWindow?: SendWindow;
  /** Upload jobs (POST /v1/uploads): where they are kept and the bucket their files go to; none, no jobs. */
  uploads?: { jobs: UploadJobStore; files: UploadFiles };
};

export type HttpRequest = {
  method: string;
  /** The path as sent, still percent-encoded: an invoice number may hold a "/" (sent as %2F). */
  rawPath: string;
  query: Record<string, string | undefined>;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  body: string | undefined;
  /**
   * The body's bytes were not UTF-8 (body-text.ts), and `body` is then undefined: the router refuses
   * the request before any route reads it.
   */
  notUtf8?: NotUtf8;
};

/** A route's handler: `params` are the path's decoded placeholders, in order. */
export type RouteHandler = (
  deps: ApiDeps,
  tenant: Tenant,
  request: HttpRequest,
  params: string[],
) => Promise<ApiResponse>;
