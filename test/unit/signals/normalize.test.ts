import { describe, expect, it } from 'vitest';
import { SQS_MESSAGE } from '../../../src/signals/limits.js';
import { normalize, normalizeParsed, normalizeText } from '../../../src/signals/normalize.js';
import { ctx, fixture } from './fixture.js';
import { rejection } from './reject.js';

// Between an SQS message's 1 MiB and a Lambda invocation's 6 MiB: only the carrier the caller names tells them apart.
const pad = 'x'.repeat(SQS_MESSAGE.maxBytes + 1024);
const sqs = { ...ctx, carrier: SQS_MESSAGE };
const exporterEvent = fixture('exporter-artifact-gc-failed.json');

describe('normalize entry points hold a payload to the carrier the caller names', () => {
  it('normalize: JSON text inside the payload (an Argo Events body) is held to that carrier', () => {
    const event = fixture('argo-events-resource-update.json') as { body: Record<string, unknown> };
    const text = { ...event, body: JSON.stringify({ ...event.body, pad }) };
    expect(normalize(text, ctx).signals).toHaveLength(1);
    expect(rejection(() => normalize(text, sqs)).reason).toMatch(/^Argo Events resource event body is [\d,]+ bytes, more than an SQS message holds \(1 MiB\)$/);
  });

  it('normalizeParsed: an already-parsed payload is measured against that carrier', () => {
    const big = { ...exporterEvent, pad };
    expect(normalizeParsed(big, ctx).signals).toHaveLength(1);
    expect(rejection(() => normalizeParsed(big, sqs)).reason).toBe('input is more than an SQS message holds (1 MiB)');
  });

  it('normalizeText: reads the text as the payload it carries, held to that carrier', () => {
    expect(normalizeText(JSON.stringify(exporterEvent), ctx)).toEqual(normalize(exporterEvent, ctx));
    const big = JSON.stringify({ ...exporterEvent, pad });
    expect(normalizeText(big, ctx).signals).toHaveLength(1);
    expect(rejection(() => normalizeText(big, sqs, 'SQS record "m1" body')).reason).toMatch(/^SQS record "m1" body is [\d,]+ bytes, more than an SQS message holds \(1 MiB\)$/);
  });
});

describe('normalize: what is not an object', () => {
  it.each([42, null, 'text', true, [exporterEvent]])('rejects %j as not a JSON object, never reading it as a shape', (input) => {
    expect(rejection(() => normalize(input, ctx)).reason).toMatch(/^payload is .+, expected a JSON object$/);
  });
});

describe('normalize: a templated layout needs both its kind and its name', () => {
  it.each([
    [{ name: 'etl-7xk2p', namespace: 'argo' }],
    [{ kind: 42, name: 'etl-7xk2p', namespace: 'argo' }],
    [{ kind: 'Workflow', namespace: 'argo' }],
  ])('%j matches no supported shape', (input) => {
    expect(rejection(() => normalize(input, ctx)).reason).toMatch(/^payload matches no supported shape \(keys: /);
  });
});

describe('normalize: a wrapper passes its own carrier to what it wraps', () => {
  it('JSON text inside an SQS record body that arrived parsed is held to an SQS message, not to the Lambda invocation around it', () => {
    const event = fixture('argo-events-resource-update.json') as { body: Record<string, unknown> };
    const record = { messageId: 'm1', eventSource: 'aws:sqs', body: { ...event, body: JSON.stringify({ ...event.body, pad }) } };
    expect(rejection(() => normalize({ Records: [record] }, ctx)).reason).toMatch(
      /^SQS record "m1" body: Argo Events resource event body is [\d,]+ bytes, more than an SQS message holds \(1 MiB\)$/,
    );
  });
});

describe('normalize: an unrecognised payload is named by its first keys', () => {
  const keysIn = (input: Record<string, unknown>) => /\(keys: (.*)\); expected /.exec(rejection(() => normalize(input, ctx)).reason)?.[1];
  it('says none, lists up to six, and marks that more were left out', () => {
    expect(keysIn({})).toBe('none');
    expect(keysIn({ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 })).toBe('"a", "b", "c", "d", "e", "f"');
    expect(keysIn({ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7 })).toBe('"a", "b", "c", "d", "e", "f", …');
  });
});
