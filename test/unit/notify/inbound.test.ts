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

describe('parseEventDetail: each detail-type read by its own schema, refusals bounded for the DLQ', () => {
  const approvalOutcome = {
    id: 'a'.repeat(32),
    outcome: 'refused',
    code: 'invalid-signature',
    reason: 'the button value is not signed by this remediator',
    users: [{ id: 'U1', name: 'ana' }],
    at: '2026-09-02T05:00:00+02:00',
  };

  it('reads an "Approval Outcome" (what evaluate did with a click) for the audit function', () => {
    expect(parseEventDetail('Approval Outcome', approvalOutcome)).toEqual({ kind: 'approval', detail: approvalOutcome });
    expect(() => parseEventDetail('Approval Outcome', { ...approvalOutcome, outcome: 'deleted-everything' })).toThrow(InvalidEventError);
  });

  it('reads times with an offset, as another producer may write them', () => {
    const alert = { ...systemicAlert(), at: '2026-09-02T05:00:04+02:00' };
    expect(parseEventDetail(SYSTEMIC_ALERT_DETAIL_TYPE, alert)).toEqual({ kind: 'systemic-alert', detail: alert });
  });

  it('keeps a systemic alert\'s sample as sent, at most 20 Workflows, each with a known cause', () => {
    const alert = systemicAlert();
    const parsed = parseEventDetail(SYSTEMIC_ALERT_DETAIL_TYPE, alert);
    expect(parsed.kind === 'systemic-alert' && parsed.detail.sample[0]).toEqual({ namespace: 'data', name: 'etl-run-0', cause: 'controller-not-reconciling' });
    const tooMany = { ...alert, sample: [...alert.sample, { namespace: 'data', name: 'etl-run-20', cause: 'gc-never-ran' }] };
    expect(() => parseEventDetail(SYSTEMIC_ALERT_DETAIL_TYPE, tooMany)).toThrow(/sample/);
    const unknownCause = { ...alert, sample: [{ namespace: 'data', name: 'x', cause: 'bad-luck' }] };
    expect(() => parseEventDetail(SYSTEMIC_ALERT_DETAIL_TYPE, unknownCause)).toThrow(/sample/);
  });

  it('refuses a payload digest that is not exactly a sha256 hex digest, saying so', () => {
    const r = signalRejected({ reason: 'no Workflow object', at: '2026-08-18T12:00:00Z', payload: '{}' });
    for (const payloadDigest of [`x${r.payloadDigest}`, `${r.payloadDigest}x`, r.payloadDigest.slice(1)]) {
      expect(() => parseEventDetail('Signal Rejected', { ...r, payloadDigest })).toThrow(/payloadDigest must be a sha256 hex digest/);
    }
  });

  it('names the error InvalidEventError and bounds its message, however bad the detail or its type', () => {
    const alert = systemicAlert();
    const worst = { ...alert, sample: alert.sample.map(() => ({ namespace: 1, name: 2, cause: 3 })) };
    const err = (() => {
      try {
        parseEventDetail(SYSTEMIC_ALERT_DETAIL_TYPE, worst);
      } catch (e) {
        return e as Error;
      }
      throw new Error('accepted');
    })();
    expect(err).toBeInstanceOf(InvalidEventError);
    expect(err.name).toBe('InvalidEventError');
    expect(err.message.length).toBeLessThanOrEqual(`invalid "${SYSTEMIC_ALERT_DETAIL_TYPE}" detail: `.length + 2000);
    expect(err.message).toMatch(/sample/);
    expect(() => parseEventDetail('x'.repeat(500), {})).toThrow(new InvalidEventError(`unsupported detail-type "${'x'.repeat(100)}"`));
  });
});

describe('signalRejected: always a valid detail, whatever the input', () => {
  const at = '2026-08-18T12:00:00Z';

  it('reads a byte payload as UTF-8 text, digesting the same bytes', () => {
    const text = '{"kind":"Workflow","name":"ünïcode"}';
    const fromBytes = signalRejected({ reason: 'r', at, payload: new TextEncoder().encode(text) });
    expect(fromBytes).toEqual(signalRejected({ reason: 'r', at, payload: text }));
    expect(fromBytes.payloadExcerpt).toBe(text);
  });

  it('cuts the cluster, reason and source message id to what the schema holds, and names an empty reason', () => {
    const r = signalRejected({ cluster: 'c'.repeat(150), reason: 'r'.repeat(2500), at, sourceMessageId: 'm'.repeat(300), payload: '' });
    expect([r.cluster, r.reason, r.sourceMessageId]).toEqual(['c'.repeat(100), 'r'.repeat(2000), 'm'.repeat(256)]);
    expect(signalRejected({ reason: '', at, payload: '' }).reason).toBe('unspecified');
    expect(signalRejected({ reason: 'no Workflow object', at, sourceMessageId: 'm-1', payload: '' })).toMatchObject({ reason: 'no Workflow object', sourceMessageId: 'm-1' });
  });
});
