// Every forwarder shape README.md lists, rebuilt from the forwarders' serialization code
// (test/fixtures/events/forwarders/README.md names the source file and line of each).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { judgeText } from '../../../src/signals/judge.js';
import { normalizeParsed } from '../../../src/signals/normalize.js';
import { LAMBDA_INVOCATION } from '../../../src/signals/limits.js';
import { CLUSTER, forwarderFixtures, resourceEventData, sensorWholeEvent, workflowObject } from '../../fixtures/events/forwarders/build.js';

const fixtures = forwarderFixtures();
const onDisk = (file: string) => readFileSync(new URL(`../../fixtures/events/forwarders/${file}`, import.meta.url), 'utf8');

describe('forwarder shapes, as the forwarders serialize them', () => {
  it('the fixture files are what build.ts makes (regenerate: npx tsx test/fixtures/events/forwarders/generate.ts)', () => {
    for (const f of fixtures) expect(onDisk(f.file), f.file).toBe(f.text);
  });

  it.each(fixtures.map((f) => [f.file, f] as const))('%s yields its Workflow reference', (_file, f) => {
    expect(judgeText(onDisk(f.file), { defaultCluster: CLUSTER })).toEqual({ signals: f.signals, ignored: [], rejected: [] });
    if (f.delivery === 'lambda') {
      // What ingest does with the object Lambda parsed from the same bytes.
      expect(normalizeParsed(JSON.parse(onDisk(f.file)), { defaultCluster: CLUSTER, carrier: LAMBDA_INVOCATION }).signals).toEqual(f.signals);
    }
  });

  it('reads a whole event just under 6 MB (5,000 nodes twice), as ingest and explain-event do', () => {
    const data = resourceEventData({ type: 'UPDATE', body: workflowObject({ resourceVersion: '2', nodes: 5000 }), oldBody: workflowObject({ resourceVersion: '1', nodes: 5000, deleting: false }), group: 'argoproj.io', version: 'v1alpha1', resource: 'workflows' });
    const text = sensorWholeEvent(data);
    expect(text.length).toBeGreaterThan(5.5 * 1024 * 1024);
    expect(text.length).toBeLessThan(LAMBDA_INVOCATION.maxBytes);
    expect(judgeText(text, { defaultCluster: CLUSTER }).signals).toHaveLength(1);
    expect(normalizeParsed(JSON.parse(text), { defaultCluster: CLUSTER, carrier: LAMBDA_INVOCATION }).signals).toHaveLength(1);
  });

  it("keeps Go's escapes and unicode as the forwarders send them", () => {
    const sqs = onDisk('exporter-sqs.json');
    expect(sqs).toContain('err:\\\\u003cnil\\\\u003e \\\\u0026 bucket “ümlaut-données” ✓');
    expect(sqs).toContain('\\\\u2028');
    const update = JSON.parse(onDisk('argo-events-whole-event-update.json')) as { data: string };
    const data = Buffer.from(update.data, 'base64').toString('utf8');
    expect(data).toContain('"oldBody":{"apiVersion":"argoproj.io/v1alpha1"');
    expect(data).toContain('\\u003cprod\\u003e');
    expect(onDisk('argo-events-cloudevent.json')).toContain('"oldBody":null');
  });
});
