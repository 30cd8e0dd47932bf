import { setTimeout as sleep } from 'node:timers/promises';
import { SendMessageBatchCommand, type SendMessageBatchCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import { clampDelay, EnqueueError, type QueueMessage, type SignalQueue } from './signal-queue.js';
import { awsClientOptions } from '../aws/client-options.js';
import { ENTRY_RETRY_BACKOFF } from '../aws/retry-delay.js';
import { backoffDelay } from '../retry/backoff.js';

const MAX_BATCH = 10;

/** One SendMessageBatch call: the SDK's client (sdkSendMessageBatch) or interact's signed HTTP (src/aws-http). */
export type SendMessageBatch = (input: {
  QueueUrl: string;
  Entries: { Id: string; MessageBody: string; DelaySeconds: number }[];
}) => Promise<{ Failed?: { Id?: string | undefined; Code?: string | undefined; SenderFault?: boolean | undefined }[] | undefined }>;

export function sdkSendMessageBatch(client: SQSClient = new SQSClient(awsClientOptions())): SendMessageBatch {
  return (input: SendMessageBatchCommandInput & Parameters<SendMessageBatch>[0]) => client.send(new SendMessageBatchCommand(input));
}

/** SendMessageBatch in tens; entries SQS reports as failed are retried alone, with backoff. */
export class SqsSignalQueue implements SignalQueue {
  private readonly sendBatch: SendMessageBatch;
  constructor(
    private readonly queueUrl: string,
    /** `sdkSendMessageBatch()` (the SDK's client with the functions' timeouts), or interact's signed HTTP. */
    opts: { sendBatch: SendMessageBatch; attempts?: number; sleep?: (ms: number) => Promise<void> },
  ) {
    this.sendBatch = opts.sendBatch;
    this.attempts = opts.attempts ?? 4;
    this.sleep = opts.sleep ?? sleep;
  }
  private readonly attempts: number;
  private readonly sleep: (ms: number) => Promise<void>;

  async send(messages: QueueMessage[]): Promise<void> {
    for (let i = 0; i < messages.length; i += MAX_BATCH) await this.sendChunk(messages.slice(i, i + MAX_BATCH));
  }

  private async sendChunk(chunk: QueueMessage[]): Promise<void> {
    let pending = chunk.map((m, i) => ({ id: String(i), m }));
    let reasons: string[] = [];
    for (let attempt = 1; attempt <= this.attempts && pending.length > 0; attempt++) {
      if (attempt > 1) await this.sleep(backoffDelay(attempt - 2, ENTRY_RETRY_BACKOFF));
      const out = await this.sendBatch({
        QueueUrl: this.queueUrl,
        Entries: pending.map(({ id, m }) => ({ Id: id, MessageBody: m.body, DelaySeconds: clampDelay(m.delaySeconds ?? 0) })),
      });
      const failed = new Map((out.Failed ?? []).map((f) => [f.Id, f]));
      // A sender fault (bad entry) will not heal by retrying; it is reported at once.
      const permanent = [...failed.values()].filter((f) => f.SenderFault);
      if (permanent.length > 0) throw new EnqueueError(`SendMessageBatch rejected ${permanent.length} message(s): ${permanent[0]!.Code}`);
      reasons = [...failed.values()].map((f) => f.Code ?? 'unknown');
      pending = pending.filter((p) => failed.has(p.id));
    }
    if (pending.length > 0) throw new EnqueueError(`SendMessageBatch failed for ${pending.length} message(s) after ${this.attempts} attempts (${[...new Set(reasons)].join(', ')})`);
  }
}
