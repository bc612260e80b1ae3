import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { SqsDueQueue } from "#adapters/sqs/due-queue.ts";

const sqs = mockClient(SQSClient);
const QUEUE = "https://sqs.eu-north-1.amazonaws.com/123456789012/dun-send";

describe("the SQS send queue", () => {
  beforeEach(() => sqs.reset());

  it("sends due invoices in batches of ten", async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const messages = Array.from({ length: 23 }, (_, i) => ({ tenantId: "t", invoiceNumber: `N-${i}` }));

    // Act
    await new SqsDueQueue(new SQSClient({}), QUEUE).enqueue(messages);

    // Assess
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls.map((call) => call.args[0].input.Entries?.length)).toEqual([10, 10, 3]);
    expect(calls[0]?.args[0].input).toMatchObject({
      QueueUrl: QUEUE,
      Entries: expect.arrayContaining([{ Id: "0", MessageBody: '{"tenantId":"t","invoiceNumber":"N-0"}' }]),
    });
  });

  it("tries the entries SQS turned down once more, and fails loudly if they fail again", async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Failed: [{ Id: "1", Code: "ThrottlingException", SenderFault: false }] })
      .resolves({ Failed: [{ Id: "1", Code: "ThrottlingException", SenderFault: false }] });
    const queue = new SqsDueQueue(new SQSClient({}), QUEUE);
    await expect(
      queue.enqueue([
        { tenantId: "t", invoiceNumber: "A" },
        { tenantId: "t", invoiceNumber: "B" },
      ]),
    ).rejects.toThrow("SQS refused 1 due messages twice");
    expect(sqs.commandCalls(SendMessageBatchCommand)[1]?.args[0].input.Entries).toEqual([
      { Id: "1", MessageBody: '{"tenantId":"t","invoiceNumber":"B"}' },
    ]);
  });
});
