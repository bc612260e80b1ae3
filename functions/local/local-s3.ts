/**
 * A real S3 API on this machine (s3rver), with dun's upload bucket in it: what local mode and the
 * tests use for large uploads. It tells of every object PUT into it, as S3's ObjectCreated
 * notification does, in the notification's own shape; local mode hands that to the upload worker
 * (local-uploads.ts) as SQS would. Objects live in a folder: a temporary one unless given.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";

export type LocalS3 = {
  endpoint: string;
  client: S3Client;
  bucket: string;
  /** Called with the notification (as JSON text) of every object created. */
  onObjectCreated(listener: (notification: string) => void): void;
  close(): Promise<void>;
};

export async function startLocalS3(
  options: { host?: string; port?: number; directory?: string; bucket?: string } = {},
): Promise<LocalS3> {
  const { host = "127.0.0.1", port = 0, bucket = "dun-uploads-local" } = options;
  const scratch = options.directory ? undefined : await mkdtemp(join(tmpdir(), "dun-s3-"));
  const directory = options.directory ?? scratch ?? tmpdir();
  const server = new S3rver({
    address: host,
    port,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const address = await server.run();
  const endpoint = `http://${host}:${address.port}`;
  // s3rver's own account: it checks the signatures of requests and presigned URLs against it.
  const client = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: "eu-north-1",
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  return {
    endpoint,
    client,
    bucket,
    onObjectCreated(listener) {
      server.on("event", (event: { Records?: { eventName?: string }[] }) => {
        if (event.Records?.some((record) => record.eventName?.startsWith("ObjectCreated:"))) {
          listener(JSON.stringify(event));
        }
      });
    },
    async close() {
      client.destroy();
      await server.close();
      if (scratch) await rm(scratch, { recursive: true, force: true });
    },
  };
}
