import { setTimeout as sleep } from 'node:timers/promises';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { type BusEntry, type EventPublisher, PublishError } from './entry.js';
import { awsClientOptions } from '../aws/client-options.js';
import { ENTRY_RETRY_BACKOFF } from '../aws/retry-delay.js';
import { backoffDelay } from '../retry/backoff.js';

/** PutEvents takes at most 10 entries and 256 KiB per entry. */
const MAX_ENTRIES = 10;
export const MAX_ENTRY_BYTES = 256 * 1024;
/** Our own code for an entry refused before sending: EventBridge would reject it whole. */
const TOO_LARGE = 'EntryTooLarge';

export interface EventBridgePublisherOptions {
  busName: string;
  client?: EventBridgeClient;
  /** Attempts per entry, the first included. Failed entries alone are retried, never the whole batch. */
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

export class EventBridgePublisher implements EventPublisher {
  private readonly client: EventBridgeClient;
  private readonly attempts: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: EventBridgePublisherOptions) {
    this.client = opts.client ?? new EventBridgeClient(awsClientOptions());
    this.attempts = opts.attempts ?? 4;
    this.sleep = opts.sleep ?? sleep;
  }

  /**
   * Every chunk is tried, whatever became of the ones before it, and a PublishError lists exactly the entries
   * not delivered, so a caller parks or retries those alone and never repeats one EventBridge accepted. A chunk
   * whose request itself failed (timeout, 5xx after the SDK's retries) is listed whole: it may have arrived,
   * and a repeat is collapsed downstream by its decisionId; a loss would not be.
   */
  async publish(entries: BusEntry[]): Promise<void> {
    const failed: PublishError['failed'] = [];
    for (let i = 0; i < entries.length; i += MAX_ENTRIES) failed.push(...(await this.publishChunk(entries.slice(i, i + MAX_ENTRIES))));
    if (failed.length === 0) return;
    const codes = [...new Set(failed.map((f) => f.code ?? 'unknown'))].join(', ');
    const tooLarge = failed.find((f) => f.code === TOO_LARGE);
    throw new PublishError(
      `PutEvents failed for ${failed.length} entr${failed.length === 1 ? 'y' : 'ies'} after ${this.attempts} attempts (${codes})${tooLarge ? `: ${tooLarge.message}` : ''}`,
      failed,
    );
  }

  private async publishChunk(chunk: BusEntry[]): Promise<PublishError['failed']> {
    const oversized = chunk.filter((e) => Buffer.byteLength(JSON.stringify(e.detail)) > MAX_ENTRY_BYTES - 1024);
    const failed: PublishError['failed'] = oversized.map((entry) => ({ entry, code: TOO_LARGE, message: `event ${entry.detailType} is larger than EventBridge accepts` }));
    let pending = chunk.filter((e) => !oversized.includes(e));
    let lastFailures: PublishError['failed'] = [];
    for (let attempt = 1; attempt <= this.attempts && pending.length > 0; attempt++) {
      if (attempt > 1) await this.sleep(backoffDelay(attempt - 2, ENTRY_RETRY_BACKOFF));
      let out;
      try {
        out = await this.client.send(new PutEventsCommand({ Entries: pending.map((e) => this.toEntry(e)) }));
      } catch (err) {
        // The SDK already retried the request; what it gives up on is not retried again here.
        const e = err as Error;
        return [...failed, ...pending.map((entry) => ({ entry, code: e.name || 'Error', message: e.message }))];
      }
      // A partial failure answers 200 with FailedEntryCount > 0: only a per-entry check catches it.
      if (!out.FailedEntryCount) return failed;
      const results = out.Entries ?? [];
      lastFailures = pending.flatMap((entry, i) =>
        results[i]?.ErrorCode ? [{ entry, code: results[i]!.ErrorCode, message: results[i]!.ErrorMessage }] : [],
      );
      pending = lastFailures.map((f) => f.entry);
    }
    return [...failed, ...lastFailures];
  }

  private toEntry(e: BusEntry): PutEventsRequestEntry {
    const detail = JSON.stringify(e.detail);
    return { EventBusName: this.opts.busName, Source: e.source, DetailType: e.detailType, Detail: detail, ...(e.resources ? { Resources: e.resources } : {}) };
  }
}
