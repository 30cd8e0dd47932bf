import { describe, expect, it } from 'vitest';
import { drain, LocalQueue } from '../../../src/local/queue.js';
import { LocalBus } from '../../../src/local/bus.js';

describe('LocalQueue + drain: the SQS event source with ReportBatchItemFailures', () => {
  it('batches, deletes successes, redelivers reported failures, and dead-letters after maxReceiveCount', async () => {
    let now = 0;
    const dlq = new LocalQueue({ name: 'dlq', clock: () => now });
    const q = new LocalQueue({ name: 'signals', maxReceiveCount: 3, visibilityTimeoutMs: 1000, dlq, clock: () => now });
    for (let i = 0; i < 12; i++) q.send(JSON.stringify({ i }));
    const seen: number[] = [];
    const report = await drain(q, async (event) => {
      expect(event.Records.length).toBeLessThanOrEqual(10);
      expect(event.Records[0]!.eventSource).toBe('aws:sqs');
      const failures = event.Records.filter((r) => JSON.parse(r.body).i === 7).map((r) => ({ itemIdentifier: r.messageId }));
      seen.push(...event.Records.map((r) => JSON.parse(r.body).i));
      return { batchItemFailures: failures };
    });
    expect(seen.filter((i) => i === 7)).toHaveLength(3);
    expect(report).toEqual({ invocations: 3, processed: 11, failed: 3, deadLettered: 1 });
    expect(q.depth).toBe(0);
    expect(dlq.bodies()).toEqual(['{"i":7}']);
  });

  it('a handler that throws fails the whole batch; delayed messages stay invisible', async () => {
    let now = 0;
    const q = new LocalQueue({ name: 'q', clock: () => now });
    q.send('a');
    q.send('later', 900);
    let calls = 0;
    const report = await drain(q, async () => {
      calls += 1;
      if (calls === 1) throw new Error('boom');
    });
    expect(report.failed).toBe(1);
    expect(report.processed).toBe(1);
    expect(q.depth).toBe(1);
    now = 901_000;
    expect(q.receive(10).map((r) => [r.body, r.attributes.ApproximateReceiveCount])).toEqual([['later', '1']]);
  });
});

describe('LocalBus', () => {
  it('delivers to every rule whose pattern matches, retries, then dead-letters', async () => {
    const got: string[] = [];
    let flaky = 0;
    const bus = new LocalBus([
      { name: 'audit', pattern: { source: ['afr'] }, target: async (e) => void got.push(`audit:${e['detail-type']}`) },
      { name: 'notify', pattern: { source: ['afr'], detail: { action: ['notified'] } }, target: async (e) => void got.push(`notify:${e['detail-type']}`) },
      { name: 'flaky', pattern: { 'detail-type': ['Bad'] }, maximumRetryAttempts: 2, target: async () => { flaky += 1; throw new Error('down'); } },
    ]);
    await bus.publish([
      { source: 'afr', detailType: 'Remediation Decision', detail: { action: 'notified' } },
      { source: 'afr', detailType: 'Remediation Decision', detail: { action: 'removed' } },
      { source: 'x', detailType: 'Bad', detail: {} },
    ]);
    await bus.settle();
    expect(got.sort()).toEqual(['audit:Remediation Decision', 'audit:Remediation Decision', 'notify:Remediation Decision']);
    expect(flaky).toBe(3);
    expect(bus.deadLetters.map((d) => [d.rule, d.error])).toEqual([['flaky', 'down']]);
  });
});
