import { describe, expect, it } from 'vitest';
import { Decision } from '../../../src/domain/decision.js';
import { assessRaw } from '../../../src/domain/snapshot.js';
import { toDecision } from '../../../src/evaluate/decision.js';
import { MAX_ENTRY_BYTES } from '../../../src/bus/eventbridge-publisher.js';

describe('decision size: every artifact carries its key twice (location and storage)', () => {
  it('a Workflow with 5,000 pending artifacts and 1 KiB keys still yields one EventBridge entry', () => {
    const nodes: Record<string, unknown> = {};
    for (let i = 0; i < 5_000; i++) {
      nodes[`n${i}`] = { id: `n${i}`, type: 'Pod', templateName: 't', outputs: { artifacts: [{ name: 'out', s3: { key: `${'k'.repeat(1000)}/${i}` } }] } };
    }
    const workflow = {
      kind: 'Workflow',
      metadata: { name: 'big', namespace: 'argo', uid: 'u', finalizers: ['workflows.argoproj.io/artifact-gc'] },
      spec: { artifactGC: { strategy: 'OnWorkflowCompletion' }, templates: [{ name: 't' }] },
      status: { phase: 'Failed', artifactRepositoryRef: { artifactRepository: { s3: { endpoint: 's3.amazonaws.com', bucket: 'b' } } }, nodes },
    };
    const assessment = assessRaw({ workflow }, { now: new Date(), quietPeriodMs: 0 });
    expect(assessment.pendingArtifacts).toHaveLength(5_000);
    const d = toDecision({ workflow: { namespace: 'argo', name: 'big' }, assessment, action: 'notified', outcome: 'notified' }, { cluster: 'c', mode: 'dry-run', signal: undefined, at: new Date() });
    expect(Buffer.byteLength(JSON.stringify(d))).toBeLessThan(MAX_ENTRY_BYTES - 1024);
    expect(d.pendingArtifacts.length).toBeGreaterThan(0);
    expect(d.reasons.some((r) => /more pending artifacts not listed \(5000 in all\)/.test(r))).toBe(true);
    expect(() => Decision.parse(d)).not.toThrow();
  });
});
