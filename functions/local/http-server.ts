/**
 * The HTTP API on localhost, for local mode: a node:http server that turns each request into the
 * same plain `HttpRequest` the Lambda handler builds (functions/handlers/api.ts) and writes the
 * `ApiResponse` back, so that what runs locally is the API that runs in AWS.
 *
 * Two things API Gateway does in front of the Lambda are done here instead: a body is never held
 * in memory beyond the API's own limit, and a handler that throws becomes a bare 500.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { bodyText } from "#api/body-text.ts";
import { type ApiDeps, type HttpRequest, handleApiRequest } from "#api/http-api.ts";
import { type ApiResponse, problem } from "#api/problem.ts";
import { MAX_BODY_BYTES } from "#api/request-body.ts";
import { listen } from "./listen.ts";
import type { LocalRoutes } from "./local-routes.ts";

export type ApiServerOptions = {
  /** 0 picks a free port; `url` says which. */
  port?: number;
  host?: string;
  /** Where a handler's exception goes: the client gets a 500 without it. Default: stderr. */
  onError?: (error: unknown, request: HttpRequest) => void;
  /** Local mode's own routes (/_local/…), asked first; undefined lets the API answer. */
  localRoutes?: LocalRoutes;
};

export type ApiServer = { url: string; close(): Promise<void> };

export async function startApiServer(deps: ApiDeps, options: ApiServerOptions = {}): Promise<ApiServer> {
  const { port = 0, host = "127.0.0.1", onError = logError, localRoutes } = options;
  const handle = async (request: HttpRequest) =>
    (await localRoutes?.(request)) ?? (await handleApiRequest(deps, request));
  const server = createServer((incoming, outgoing) => {
    serve(handle, incoming, outgoing, onError).catch((error: unknown) => {
      // Only the socket itself can fail here (the client went away mid-request): nobody to answer.
      incoming.destroy(error as Error);
    });
  });
  await listen(server, port, host, "the HTTP API");
  const address = server.address() as AddressInfo;
  const hostname = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${hostname}:${address.port}`,
    // Node 20 closes idle keep-alive connections on close(); requests in flight are answered first.
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

async function serve(
  handle: (request: HttpRequest) => Promise<ApiResponse>,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  onError: NonNullable<ApiServerOptions["onError"]>,
): Promise<void> {
  const body = await readBody(incoming, MAX_BODY_BYTES);
  if (body === TOO_LARGE) {
    // The same answer the API gives (request-body.ts tooLarge), before the body is even read whole.
    return send(
      outgoing,
      problem(413, `the body is larger than the limit of ${MAX_BODY_BYTES} bytes`, { limit: MAX_BODY_BYTES }),
    );
  }
  const request = requestOf(incoming, body);
  let response: ApiResponse;
  try {
    response = await handle(request);
  } catch (error) {
    onError(error, request);
    response = problem(500);
  }
  send(outgoing, response);
}

/** The request as API Gateway's payload format 2.0 gives it to the Lambda handler. */
function requestOf(incoming: IncomingMessage, bytes: Buffer | undefined): HttpRequest {
  const text = bytes === undefined ? { ok: true as const, text: undefined } : bodyText(bytes);
  const target = incoming.url ?? "/";
  const queryAt = target.indexOf("?");
  const headers: Record<string, string | undefined> = {};
  // Node gives names in lower case already; a repeated header arrives as a list, API Gateway joins it.
  for (const [name, value] of Object.entries(incoming.headers)) {
    headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return {
    method: (incoming.method ?? "GET").toUpperCase(),
    rawPath: queryAt === -1 ? target : target.slice(0, queryAt),
    query: queryAt === -1 ? {} : Object.fromEntries(new URLSearchParams(target.slice(queryAt + 1))),
    headers,
    ...(text.ok ? { body: text.text } : { body: undefined, notUtf8: text.notUtf8 }),
  };
}

const TOO_LARGE = Symbol("too large");

/**
 * The body's bytes, undefined when there is none (as the Lambda event has it), or TOO_LARGE
 * as soon as it passes `limit` bytes. What comes after that is let through unread rather than
 * refused at the socket: a client still sending its body would otherwise never see the 413.
 */
function readBody(incoming: IncomingMessage, limit: number): Promise<Buffer | undefined | typeof TOO_LARGE> {
  return new Promise((resolve, reject) => {
    const discardRest = () => {
      incoming.removeAllListeners("data");
      incoming.resume();
      resolve(TOO_LARGE);
    };
    if (Number(incoming.headers["content-length"]) > limit) return discardRest();
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        return discardRest();
      }
      chunks.push(chunk);
    });
    incoming.on("end", () => resolve(size === 0 ? undefined : Buffer.concat(chunks)));
    incoming.on("error", reject);
  });
}

function send(outgoing: ServerResponse, response: ApiResponse): void {
  outgoing.writeHead(response.statusCode, response.headers);
  outgoing.end(response.body);
}

function logError(error: unknown, request: HttpRequest): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`dun api: ${request.method} ${request.rawPath} failed: ${detail}\n`);
}
