/**
 * A DynamoDB endpoint that answers at once, run as a child process by the synchronous-upload CPU
 * measurement (api.bench.ts): the real SDK builds, signs, sends and parses every request, and none
 * of the answering costs the measured process any CPU. It finds the items it was started with
 * (DUN_INSTANT_ITEMS: `[key, item]` pairs in DynamoDB JSON) and nothing else, and takes every write.
 * It prints its port on stdout once it listens.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

type AttributeMap = Record<string, unknown>;
const items = new Map<string, AttributeMap>(JSON.parse(process.env.DUN_INSTANT_ITEMS ?? "[]"));
const keyOf = (key: { pk?: { S?: string }; sk?: { S?: string } }) => `${key.pk?.S}\u0000${key.sk?.S}`;

function answer(target: string, request: Record<string, unknown>): unknown {
  switch (target) {
    case "GetItem": {
      const item = items.get(keyOf(request.Key as never));
      return item ? { Item: item } : {};
    }
    case "BatchGetItem": {
      const tables = request.RequestItems as Record<string, { Keys: never[] }>;
      return {
        Responses: Object.fromEntries(
          Object.entries(tables).map(([table, { Keys }]) => [
            table,
            Keys.flatMap((key) => items.get(keyOf(key)) ?? []),
          ]),
        ),
        UnprocessedKeys: {},
      };
    }
    case "BatchWriteItem":
      return { UnprocessedItems: {} };
    default:
      return {};
  }
}

const server = createServer((incoming, outgoing) => {
  const chunks: Buffer[] = [];
  incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
  incoming.on("end", () => {
    const target = String(incoming.headers["x-amz-target"] ?? "").split(".")[1] ?? "";
    const body = JSON.stringify(answer(target, JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}")));
    outgoing.writeHead(200, {
      "content-type": "application/x-amz-json-1.0",
      "content-length": Buffer.byteLength(body),
    });
    outgoing.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
