import { randomUUID } from 'node:crypto';
import type { BusEntry, EventPublisher } from '../bus/entry.js';
import { matches, type Pattern } from '../bus/event-pattern.js';
import { cloneJson } from '../domain/json.js';

/** The EventBridge envelope a rule target receives. */
export interface BusEvent<T = unknown> {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: T;
}

export interface LocalRule {
  name: string;
  pattern: Pattern;
  target: (event: BusEvent) => Promise<void>;
  /** Like a rule target's retry policy: attempts before the event goes to the target's DLQ. */
  maximumRetryAttempts?: number;
}

/**
 * An in-process EventBridge bus: rules with real event patterns, delivery to every matching target, retries,
 * and a dead-letter list per rule, as serverless.yml wires them. Deliveries run after publish returns,
 * like the real bus, and `settle()` waits for them.
 */
export class LocalBus implements EventPublisher {
  readonly deadLetters: { rule: string; event: BusEvent; error: string }[] = [];
  readonly delivered: { rule: string; event: BusEvent }[] = [];
  private inflight: Promise<void>[] = [];

  constructor(
    private readonly rules: LocalRule[],
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async publish(entries: BusEntry[]): Promise<void> {
    for (const e of entries) {
      const event: BusEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': e.detailType,
        source: e.source,
        account: '000000000000',
        time: this.clock().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: 'local',
        resources: e.resources ?? [],
        detail: cloneJson(e.detail),
      };
      for (const rule of this.rules) if (matches(rule.pattern, event)) this.inflight.push(this.deliver(rule, event));
    }
  }

  /** Waits until every delivery so far, retries included, has finished. */
  async settle(): Promise<void> {
    while (this.inflight.length > 0) {
      const batch = this.inflight;
      this.inflight = [];
      await Promise.all(batch);
    }
  }

  private async deliver(rule: LocalRule, event: BusEvent): Promise<void> {
    const attempts = 1 + (rule.maximumRetryAttempts ?? 2);
    let last = '';
    for (let i = 0; i < attempts; i++) {
      try {
        await rule.target(event);
        this.delivered.push({ rule: rule.name, event });
        return;
      } catch (err) {
        last = (err as Error).message;
      }
    }
    this.deadLetters.push({ rule: rule.name, event, error: last });
  }
}
