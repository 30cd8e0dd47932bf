import { describe, expect, it } from 'vitest';
import { InvalidEventError, parseEventDetail, signalRejected } from '../../../src/domain/alerts.js';
import { DECISION_DETAIL_TYPE, DECISION_SOURCE, SYSTEMIC_ALERT_DETAIL_TYPE } from '../../../src/domain/decision.js';
import { parseInbound } from '../../../src/notify/inbound.js';
import { gcFailedDecision, systemicAlert } from './fixtures.js';

const envelope = (detailType: string, detail: unknown) => ({
  version: '0',
  id: 'e-1',
  'detail-type': detailType,
  source: DECISION_SOURCE,
  account: '123456789012',
  time: '2026-08-18T12:04:11Z',
  region: 'eu-west-1',
  resources: [],
  detail,
});

describe('parseInbound', () => {
  it('reads one EventBridge event', () => {
    const d = gcFailedDecision();
    expect(parseInbound(envelope(DECISION_DETAIL_TYPE, d))).toEqual({ form: 'eventbridge', items: [{ event: { kind: 'decision', detail: d } }] });
  });

  it('throws InvalidEventError for an invalid EventBridge detail, naming the field', () => {
    const bad = { ...gcFailedDecision(), verdict: 'delete-everything' };
    expect(() => parseInbound(envelope(DECISION_DETAIL_TYPE, bad))).toThrow(InvalidEventError);
    expect(() => parseInbound(envelope(DECISION_DETAIL_TYPE, bad))).toThrow(/verdict/);
    expect(() => parseInbound(envelope('Something Else', {}))).toThrow(/unsupported detail-type/);
    expect(() => parseInbound({ hello: 'world' })).toThrow(/not an EventBridge event/);
  });

  it('reads an SQS batch of envelopes and reports the bad records by messageId', () => {
    const out = parseInbound({
      Records: [
        { messageId: 'm1', body: JSON.stringify(envelope(DECISION_DETAIL_TYPE, gcFailedDecision())) },
        { messageId: 'm2', body: '{oops' },
        { messageId: 'm3', body: JSON.stringify(envelope(SYSTEMIC_ALERT_DETAIL_TYPE, { ...systemicAlert(), found: -1 })) },
        { messageId: 'm4', body: JSON.stringify(envelope(SYSTEMIC_ALERT_DETAIL_TYPE, systemicAlert())) },
      ],
    });
    expect(out.form).toBe('sqs');
    expect(out.items.map((i) => [i.messageId, i.event.kind])).toEqual([
      ['m1', 'decision'],
      ['m4', 'systemic-alert'],
    ]);
    if (out.form !== 'sqs') throw new Error('unreachable');
    expect(out.invalid.map((i) => i.messageId)).toEqual(['m2', 'm3']);
    expect(out.invalid[1]!.reason).toMatch(/found/);
  });
});

describe('signalRejected', () => {
  it('digests the whole payload and keeps a redacted excerpt of at most 512 chars', () => {
    const payload = JSON.stringify({ headers: { Authorization: 'Bearer abc.def.ghi' }, pad: 'x'.repeat(2000) });
    const r = signalRejected({ cluster: 'c1', reason: 'no Workflow object', at: '2026-08-18T12:00:00Z', sourceMessageId: 'm-9', payload });
    expect(r.payloadDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(r.payloadExcerpt.length).toBe(512);
    expect(r.payloadExcerpt).not.toContain('abc.def.ghi');
    expect(parseEventDetail('Signal Rejected', r)).toEqual({ kind: 'signal-rejected', detail: r });
  });
});
