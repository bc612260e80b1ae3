import { describe, expect, it } from "vitest";
import { jobsOfMessage, RESULT_PAGE_BYTES, resultPages, type UploadJobRow } from "#api/upload-job.ts";

const JOB = { tenantId: "nordlys", jobId: "0b6f1f0e-2c7a-4d7e-9a55-3f1f4b3c2d10" };
const KEY = `uploads/${JOB.tenantId}/${JOB.jobId}`;

describe("an upload-queue message", () => {
  it("names its job whether EventBridge, S3 or a worker's hand-on sent it", () => {
    const bridged = { "detail-type": "Object Created", source: "aws.s3", detail: { object: { key: KEY } } };
    const notified = { Records: [{ eventName: "ObjectCreated:Put", s3: { object: { key: KEY } } }] };
    expect(jobsOfMessage(JSON.stringify(bridged))).toEqual([JOB]);
    expect(jobsOfMessage(JSON.stringify(notified))).toEqual([JOB]);
    expect(jobsOfMessage(JSON.stringify(JOB))).toEqual([JOB]);
  });

  it("names none for S3's test event, another key, a removal or text that is not JSON", () => {
    const removed = { Records: [{ eventName: "ObjectRemoved:Delete", s3: { object: { key: KEY } } }] };
    const elsewhere = { "detail-type": "Object Created", detail: { object: { key: "other/file.csv" } } };
    expect(jobsOfMessage(JSON.stringify({ Event: "s3:TestEvent" }))).toEqual([]);
    expect(jobsOfMessage(JSON.stringify(removed))).toEqual([]);
    expect(jobsOfMessage(JSON.stringify(elsewhere))).toEqual([]);
    expect(jobsOfMessage("{")).toEqual([]);
  });
});

describe("result pages", () => {
  it("keep every row, in order, each page under the byte limit counted in UTF-8", () => {
    const rows: UploadJobRow[] = Array.from({ length: 2000 }, (_, i) => ({
      invoiceNumber: `N-${i}`,
      status: "rejected",
      row: i + 2,
      errors: [{ path: "customer.name", message: "€".repeat(100) }],
    }));
    const pages = resultPages(rows);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.flat()).toEqual(rows);
    for (const page of pages)
      expect(Buffer.byteLength(JSON.stringify(page))).toBeLessThan(RESULT_PAGE_BYTES + 2);
  });
});
