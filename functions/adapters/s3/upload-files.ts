/**
 * The bucket large uploads go to: a presigned PUT URL for the client, and ranged reads for the
 * worker, which reads a file a chunk at a time from where it got to (functions/api/upload-job-worker.ts).
 */
import { Readable } from "node:stream";
import {
  GetObjectCommand,
  HeadObjectCommand,
  NotFound,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { UploadFiles } from "#ports/upload-job-store.ts";

export class S3UploadFiles implements UploadFiles {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  uploadUrl(key: string, contentType: string, seconds: number): Promise<string> {
    return getSignedUrl(
      this.client,
      new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: contentType }),
      { expiresIn: seconds },
    );
  }

  async size(key: string): Promise<number | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.ContentLength ?? 0;
    } catch (error) {
      if (error instanceof NotFound) return undefined;
      throw error;
    }
  }

  async read(key: string, from: number): Promise<AsyncIterable<Uint8Array> & { destroy(): void }> {
    const object = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=${from}-` }),
    );
    // In Node.js the SDK's body is a Readable; a worker that has its chunk destroys it unread.
    if (!(object.Body instanceof Readable)) throw new Error(`S3 gave no readable body for ${key}`);
    return object.Body;
  }
}
