import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

interface Message {
  id: string;
  body: string;
  receiveCount: number;
  visibleAt: number;
  sentAt: number;
}

export interface LocalQueueOptions {
  name: string;
  /** After this many receives a message that keeps failing moves to the DLQ (the redrive policy). */
  maxReceiveCount?: number;
  visibilityTimeoutMs?: number;
  dlq?: LocalQueue;
  clock?: () => number;
}

/**
 * An in-process SQS queue with the behaviour the evaluate function relies on: at-least-once delivery,
 * per-message delay, visibility timeout, receive counts, redrive to a DLQ, and records shaped exactly like the
 * Lambda SQS event source's.
 */
export class LocalQueue {
  private messages: Message[] = [];
  readonly name: string;
  readonly arn: string;

  constructor(private readonly opts: LocalQueueOptions) {
    this.name = opts.name;
    this.arn = `arn:aws:sqs:local:000000000000:${opts.name}`;
  }

  private now(): number {
    return (this.opts.clock ?? Date.now)();
  }

  send(body: string, delaySeconds = 0): string {
    const id = randomUUID();
    const now = this.now();
    this.messages.push({ id, body, receiveCount: 0, visibleAt: now + delaySeconds * 1000, sentAt: now });
    return id;
  }

  /** Messages not yet deleted, visible or not. */
  get depth(): number {
    return this.messages.length;
  }

  get visibleDepth(): number {
    const now = this.now();
    return this.messages.filter((m) => m.visibleAt <= now).length;
  }

  /** Like the event source mapping's poll: up to `max` visible messages, made invisible while in flight. */
  receive(max: number): SQSRecord[] {
    const now = this.now();
    const taken = this.messages.filter((m) => m.visibleAt <= now).slice(0, max);
    for (const m of taken) {
      m.receiveCount += 1;
      m.visibleAt = now + (this.opts.visibilityTimeoutMs ?? 30_000);
    }
    return taken.map((m) => this.toRecord(m, now));
  }

  delete(messageId: string): void {
    this.messages = this.messages.filter((m) => m.id !== messageId);
  }

  /** A failed record becomes visible again, or moves to the DLQ once it was received maxReceiveCount times. */
  release(messageId: string, visibleInMs = 0): 'requeued' | 'dead-lettered' {
    const m = this.messages.find((x) => x.id === messageId);
    if (!m) return 'requeued';
    if (this.opts.dlq && m.receiveCount >= (this.opts.maxReceiveCount ?? 5)) {
      this.delete(messageId);
      this.opts.dlq.send(m.body);
      return 'dead-lettered';
    }
    m.visibleAt = this.now() + visibleInMs;
    return 'requeued';
  }

  bodies(): string[] {
    return this.messages.map((m) => m.body);
  }

  private toRecord(m: Message, now: number): SQSRecord {
    return {
      messageId: m.id,
      receiptHandle: `local-${m.id}-${m.receiveCount}`,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentAt),
        SenderId: 'LOCAL',
        ApproximateFirstReceiveTimestamp: String(now),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.arn,
      awsRegion: 'local',
    };
  }
}

export interface DrainReport {
  invocations: number;
  processed: number;
  failed: number;
  deadLettered: number;
}

/**
 * Polls the queue like the Lambda event source mapping with ReportBatchItemFailures: one invocation per batch,
 * reported failures are released for redelivery, everything else is deleted. A handler that throws fails
 * the whole batch. Stops when no message is visible, or after `maxInvocations`.
 */
export async function drain(
  queue: LocalQueue,
  handler: (event: SQSEvent) => Promise<SQSBatchResponse | void>,
  opts: { batchSize?: number; maxInvocations?: number; onBatch?: (records: SQSRecord[], failed: string[]) => void } = {},
): Promise<DrainReport> {
  const report: DrainReport = { invocations: 0, processed: 0, failed: 0, deadLettered: 0 };
  const limit = opts.maxInvocations ?? 1_000;
  while (report.invocations < limit) {
    const records = queue.receive(opts.batchSize ?? 10);
    if (records.length === 0) break;
    report.invocations += 1;
    let failedIds: string[];
    try {
      const response = await handler({ Records: records });
      failedIds = (response?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
    } catch {
      failedIds = records.map((r) => r.messageId);
    }
    for (const r of records) {
      if (failedIds.includes(r.messageId)) {
        report.failed += 1;
        if (queue.release(r.messageId) === 'dead-lettered') report.deadLettered += 1;
      } else {
        report.processed += 1;
        queue.delete(r.messageId);
      }
    }
    opts.onBatch?.(records, failedIds);
  }
  return report;
}
