/**
 * An upload job through local mode's real HTTP, as a client runs it: POST /v1/uploads, PUT the file
 * to the presigned URL (s3rver), wait for the job to finish, then read every page of its rows.
 */
import type { LocalStack } from "#local/local-stack.ts";

export async function apiRequest(
  stack: LocalStack,
  key: string,
  method: string,
  path: string,
  body?: unknown,
) {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: a test reads the answer field by field, as a client does.
  return { status: response.status, body: JSON.parse(await response.text()) as any };
}

/** Creates the job and PUTs the file; gives the job's id. */
export async function startUploadJob(
  stack: LocalStack,
  key: string,
  format: "csv" | "json",
  file: string,
): Promise<string> {
  const created = await apiRequest(stack, key, "POST", "/v1/uploads", { format });
  if (created.status !== 201) throw new Error(`POST /v1/uploads answered ${created.status}`);
  const put = await fetch(created.body.uploadUrl, {
    method: "PUT",
    headers: created.body.headers,
    body: file,
  });
  if (!put.ok) throw new Error(`the PUT to S3 answered ${put.status}: ${await put.text()}`);
  return created.body.upload.id;
}

/** The job once it is done or failed, and every row result in its pages. */
export async function finishedJob(stack: LocalStack, key: string, id: string) {
  await stack.uploads.idle();
  const job = await apiRequest(stack, key, "GET", `/v1/uploads/${id}`);
  // biome-ignore lint/suspicious/noExplicitAny: rows as the API gives them.
  const rows: any[] = [];
  let cursor: string | undefined = "0";
  let pages = 0;
  while (cursor !== undefined) {
    const page = await apiRequest(stack, key, "GET", `/v1/uploads/${id}/rows?cursor=${cursor}`);
    if (page.status !== 200) throw new Error(`rows answered ${page.status}`);
    rows.push(...page.body.results);
    cursor = page.body.nextCursor;
    pages += 1;
  }
  return { job: job.body, rows, pages };
}
