import { afterEach, describe, expect, it, vi } from 'vitest';
import { asCounter, lambdaMetrics } from '../../../src/observability/lambda.js';

// What CloudWatch receives: the EMF documents Powertools prints, parsed back (names, units, dimension sets,
// metadata that must not become a dimension).
interface Emf {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  [member: string]: unknown;
}

function capture(run: () => void): Emf[] {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return lines.flatMap((l) => l.split('\n')).filter((l) => l.startsWith('{"_aws"')).map((l) => JSON.parse(l) as Emf);
}

afterEach(() => {
  delete process.env['POWERTOOLS_METRICS_DISABLED'];
});

describe('EMF from the metrics port', () => {
  it('gauges carry their unit, low-cardinality dimensions, and Workflow names only as metadata', () => {
    delete process.env['POWERTOOLS_METRICS_DISABLED'];
    const metrics = lambdaMetrics('sweep');
    const docs = capture(() => {
      const counter = asCounter(metrics);
      counter.count('StuckWorkflows', { cluster: 'prod', cause: 'gc-failed' }, 3);
      counter.count('OldestStuckAgeSeconds', { cluster: 'prod' }, 5400, { unit: 'Seconds', metadata: { oldestNamespace: 'data', oldestName: 'etl-run-q8h2d' } });
      counter.count('OrphanedArtifacts', { cluster: 'prod' }, 2);
    });
    expect(docs).toHaveLength(3);
    const [stuck, oldest, orphans] = docs as [Emf, Emf, Emf];
    expect(stuck._aws.CloudWatchMetrics[0]).toEqual({ Namespace: 'ArgoFinalizerRemediator', Dimensions: [['service', 'cluster', 'cause']], Metrics: [{ Name: 'StuckWorkflows', Unit: 'Count' }] });
    expect(stuck).toMatchObject({ service: 'sweep', cluster: 'prod', cause: 'gc-failed', StuckWorkflows: 3 });
    expect(oldest._aws.CloudWatchMetrics[0]?.Metrics).toEqual([{ Name: 'OldestStuckAgeSeconds', Unit: 'Seconds' }]);
    expect(oldest._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'cluster']]);
    expect(oldest).toMatchObject({ OldestStuckAgeSeconds: 5400, oldestName: 'etl-run-q8h2d', oldestNamespace: 'data' });
    expect(orphans).toMatchObject({ OrphanedArtifacts: 2 });
  });
});
