/**
 * A real SES API in process (aws-ses-v2-local), an SESClient pointed at it, and its inbox (a web
 * page at the endpoint's root, the JSON at /store): what local mode and the tests use for SES.
 *
 * The stand-in keeps what it parsed out of each message (addresses, subject, bodies), not the raw
 * headers or the message tags: assert those on the MIME (raw-message tests) or on the Send events
 * (send-events). Its store is one per process, shared by every server started in it.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SESClient } from "@aws-sdk/client-ses";
import * as sesV2Local from "aws-ses-v2-local";
import * as z from "zod";
import { PortInUse } from "./listen.ts";

export type StoredEmail = {
  messageId: string;
  from: string;
  replyTo: string[];
  /** One entry per address (the stand-in joins a header's addresses with ", "; they are split here). */
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  /** When the stand-in took it, in epoch seconds of the real clock. */
  at: number;
};

export type LocalSes = {
  endpoint: string;
  /** maxAttempts 1, as sesMailer requires. */
  client: SESClient;
  store(): Promise<StoredEmail[]>;
  clear(): Promise<void>;
  close(): Promise<void>;
};

type StartServer = (config?: { host?: string; port?: number }) => Promise<Server>;

// A CommonJS module with `exports.default`: through Node's ESM interop the function is the
// namespace's `default.default`; a bundler that honours __esModule hands it over as `default`.
function startServerOf(module: unknown): StartServer {
  for (let candidate = module, depth = 0; depth < 3; depth++) {
    if (typeof candidate === "function") return candidate as StartServer;
    candidate = (candidate as { default?: unknown } | undefined)?.default;
  }
  throw new Error("aws-ses-v2-local exports no server function");
}

const AddressListSchema = z.array(z.string()).transform((list) => list.flatMap(splitAddressList));

const StoreSchema = z.object({
  emails: z.array(
    z.object({
      messageId: z.string(),
      from: z.string(),
      replyTo: AddressListSchema,
      destination: z.object({ to: AddressListSchema, cc: AddressListSchema, bcc: AddressListSchema }),
      subject: z.string(),
      body: z.object({ html: z.string().optional(), text: z.string().optional() }),
      at: z.number(),
    }),
  ),
});

export async function startLocalSes(options: { port?: number; host?: string } = {}): Promise<LocalSes> {
  const { port = 0, host = "127.0.0.1" } = options;
  // Express hands a failed listen to its callback, which aws-ses-v2-local ignores: a port in use
  // comes back as a server that is not listening.
  const server = await startServerOf(sesV2Local)({ host, port });
  if (!server.listening) {
    server.close();
    throw new PortInUse(port, "the SES inbox");
  }
  const endpoint = `http://${host}:${(server.address() as AddressInfo).port}`;
  const client = new SESClient({
    endpoint,
    region: "eu-north-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  return {
    endpoint,
    client,
    async store() {
      const response = await fetch(`${endpoint}/store`);
      if (!response.ok) throw new Error(`GET /store answered ${response.status}`);
      return StoreSchema.parse(await response.json()).emails;
    },
    async clear() {
      const response = await fetch(`${endpoint}/clear-store`, { method: "POST" });
      if (!response.ok) throw new Error(`POST /clear-store answered ${response.status}`);
    },
    async close() {
      client.destroy();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets (the SDK's, fetch's) would hold close() open until they time out.
        server.closeAllConnections();
      });
    },
  };
}

/** "a@x.example, b@x.example" → both; a comma inside a quoted display name stays. */
function splitAddressList(list: string): string[] {
  return (list.match(/(?:"(?:[^"\\]|\\.)*"|[^,"])+/g) ?? []).map((address) => address.trim()).filter(Boolean);
}
