import { setTimeout as sleep } from 'node:timers/promises';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { type BusEntry, type EventPublisher, PublishError } from './entry.js';
import { ENTRY_RETRY_BACKOFF } from '../aws/retry-delay.js';
import { backoffDelay } from '../retry/backoff.js';

/** PutEvents takes at most 10 entries and 256 KiB per entry. */
const MAX_ENTRIES = 10;
export const MAX_ENTRY_BYTES = 256 * 1024;

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
    this.client = opts.client ?? new EventBridgeClient({});
    this.attempts = opts.attempts ?? 4;
    this.sleep = opts.sleep ?? sleep;
  }

  async publish(entries: BusEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += MAX_ENTRIES) await this.publishChunk(entries.slice(i, i + MAX_ENTRIES));
  }

  private async publishChunk(chunk: BusEntry[]): Promise<void> {
    let pending = chunk;
    let lastFailures: PublishError['failed'] = [];
    for (let attempt = 1; attempt <= this.attempts && pending.length > 0; attempt++) {
      if (attempt > 1) await this.sleep(backoffDelay(attempt - 2, ENTRY_RETRY_BACKOFF));
      // A partial failure answers 200 with FailedEntryCount > 0: only a per-entry check catches it.
      const out = await this.client.send(new PutEventsCommand({ Entries: pending.map((e) => this.toEntry(e)) }));
      if (!out.FailedEntryCount) return;
      const results = out.Entries ?? [];
      lastFailures = pending.flatMap((entry, i) =>
        results[i]?.ErrorCode ? [{ entry, code: results[i]!.ErrorCode, message: results[i]!.ErrorMessage }] : [],
      );
      pending = lastFailures.map((f) => f.entry);
    }
    if (pending.length > 0) {
      const codes = [...new Set(lastFailures.map((f) => f.code))].join(', ');
      throw new PublishError(`PutEvents failed for ${pending.length} entr${pending.length === 1 ? 'y' : 'ies'} after ${this.attempts} attempts (${codes})`, lastFailures);
    }
  }

  private toEntry(e: BusEntry): PutEventsRequestEntry {
    const detail = JSON.stringify(e.detail);
    if (Buffer.byteLength(detail) > MAX_ENTRY_BYTES - 1024) throw new PublishError(`event ${e.detailType} is larger than EventBridge accepts`, [{ entry: e }]);
    return { EventBusName: this.opts.busName, Source: e.source, DetailType: e.detailType, Detail: detail, ...(e.resources ? { Resources: e.resources } : {}) };
  }
}
