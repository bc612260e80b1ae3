/**
 * Upload jobs in DynamoDB: the job item, and its per-row results in pages of at most 300 kB
 * (#api/upload-job.ts), all in the job's own partition and all expiring with it (TTL on
 * `expiresAt`).
 *
 * One worker at a time works on a job: it takes the job's `lease` (a conditional update) for
 * longer than its Lambda can run, so a duplicate message finds the job taken and leaves it. The
 * holder writes a chunk's result pages first, under keys fixed by their page number, and then the
 * job's new position and counts, on condition of the version it read and of its lease. A worker
 * that died between the two is followed, once its lease has run out, by one that writes the same
 * pages again from the same position: the pages the job counts are always the ones it recorded.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { type UploadJob, type UploadJobRow, UploadJobRowSchema, UploadJobSchema } from "#api/upload-job.ts";
import { UPLOAD_JOB_TTL_SECONDS } from "#api/upload-limits.ts";
import type { UploadJobStore } from "#ports/upload-job-store.ts";
import { uploadJobKey, uploadPageKey } from "./keys.ts";
import {
  BATCH_WRITE_LIMIT,
  chunks,
  conditional,
  isConditionFailure,
  type TableContext,
  writeBatch,
} from "./writes.ts";

const PageItemSchema = z.object({ results: z.array(UploadJobRowSchema) });

/** The job and its results go a week after it was created, whenever they were written. */
const expiresAtOf = (job: UploadJob) => Math.floor(Date.parse(job.createdAt) / 1000) + UPLOAD_JOB_TTL_SECONDS;

export class UploadJobTable implements UploadJobStore {
  private readonly table: TableContext;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.table = { client, tableName, clock: () => new Date() };
  }

  async create(job: UploadJob): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...uploadJobKey(job.tenantId, job.id), job, expiresAt: expiresAtOf(job) },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
  }

  async get(tenantId: string, jobId: string): Promise<UploadJob | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: uploadJobKey(tenantId, jobId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const job = UploadJobSchema.parse(Item.job);
    // The key names the tenant; a job item under it for another tenant would be a bug, never an answer.
    return job.tenantId === tenantId ? job : undefined;
  }

  async acquire(job: UploadJob, leaseId: string, untilMs: number, nowMs: number): Promise<boolean> {
    const outcome = await conditional(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: uploadJobKey(job.tenantId, job.id),
          UpdateExpression: "SET lease = :lease",
          ConditionExpression:
            "attribute_exists(pk) AND (attribute_not_exists(lease) OR lease.untilMs < :now)",
          ExpressionAttributeValues: { ":lease": { id: leaseId, untilMs }, ":now": nowMs },
        }),
      ),
    );
    return outcome === "ok";
  }

  async release(job: UploadJob, leaseId: string): Promise<void> {
    await conditional(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: uploadJobKey(job.tenantId, job.id),
          UpdateExpression: "REMOVE lease",
          ConditionExpression: "lease.id = :lease",
          ExpressionAttributeValues: { ":lease": leaseId },
        }),
      ),
    );
  }

  async save(before: UploadJob, after: UploadJob, pages: readonly UploadJobRow[][], leaseId: string) {
    const expiresAt = expiresAtOf(before);
    const items = pages.map((results, offset) => ({
      ...uploadPageKey(after.tenantId, after.id, before.pages + offset),
      results,
      expiresAt,
    }));
    for (const batch of chunks(items, BATCH_WRITE_LIMIT)) await writeBatch(this.table, batch);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: uploadJobKey(after.tenantId, after.id),
          UpdateExpression: "SET job = :job",
          ConditionExpression: "job.version = :read AND lease.id = :lease",
          ExpressionAttributeValues: { ":job": after, ":read": before.version, ":lease": leaseId },
        }),
      );
      return "ok" as const;
    } catch (error) {
      if (isConditionFailure(error)) return "conflict" as const;
      throw error;
    }
  }

  async page(tenantId: string, jobId: string, page: number): Promise<UploadJobRow[] | undefined> {
    const { Item } = await this.client.send(
      // Consistent, as the job's read: a page the job counts is there as soon as the job says so.
      new GetCommand({
        TableName: this.tableName,
        Key: uploadPageKey(tenantId, jobId, page),
        ConsistentRead: true,
      }),
    );
    return Item ? PageItemSchema.parse(Item).results : undefined;
  }
}
