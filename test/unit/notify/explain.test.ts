import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ARTIFACT_GC_FINALIZER, Cause } from '../../../src/domain/assessment.js';
import { explainCause, inspectCommands, narrowPatchCommand } from '../../../src/domain/explain.js';
import { patchedFinalizers } from '../../helpers/patch.js';
import { gcFailedDecision, gcPodStuckDecision } from './fixtures.js';

/** What a shell would pass to kubectl: run the command through bash with kubectl replaced by printf. */
function argvOf(command: string): string[] {
  const out = execFileSync('bash', ['-c', `kubectl() { printf '%s\\0' "$@"; }; ${command}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('explainCause', () => {
  it('has a title, a why and a next step for every cause', () => {
    for (const cause of Cause.options) {
      const x = explainCause(cause);
      expect(x.title.length, cause).toBeGreaterThan(10);
      expect(x.title.length, cause).toBeLessThanOrEqual(100);
      expect(x.title.endsWith('.'), cause).toBe(false);
      expect(x.why.length, cause).toBeGreaterThan(40);
      expect(x.nextStep.length, cause).toBeGreaterThan(5);
    }
  });

  it.each([
    ['gc-failed', ['logs', 'workflowartifactgctasks', 'credentials', 'Re-run GC']],
    ['gc-pod-stuck', ['ImagePullBackOff', 'Unschedulable', 'istio']],
    ['gc-never-ran', ['#16897', 'strategiesProcessed']],
    ['controller-not-reconciling', ['controller-instanceid', 'ARGO_ARTIFACT_GC_ENABLED', 'running']],
    ['nodes-unavailable', ['argo-server', 'offload']],
    ['gc-succeeded-unrecouped', ['podMetadata.labels', 'ARGO_INSTANCE_ID']],
    ['force-removal-declared', ['orphaned', 'forceFinalizerRemoval']],
  ] as const)('names the concrete fix for %s', (cause, words) => {
    const x = explainCause(cause);
    const text = `${x.why} ${x.nextStep}`;
    for (const w of words) expect(text, w).toContain(w);
  });
});

describe('narrowPatchCommand', () => {
  it('computes the index from the evidence for a notify verdict (no patch planned) and tests the uid', () => {
    const d = gcFailedDecision();
    expect(d.patch).toBeUndefined();
    const cmd = narrowPatchCommand(d)!;
    const argv = argvOf(cmd);
    expect(argv.slice(0, 6)).toEqual(['-n', 'data', 'patch', 'workflow', 'etl-run-q8h2d', '--type=json']);
    expect(argv[6]).toBe('-p');
    const ops = JSON.parse(argv[7]!);
    expect(ops).toEqual([
      { op: 'test', path: '/metadata/uid', value: '0f6c2a9b-51e4-4b3e-9d1a-7c2f9e8b4d21' },
      { op: 'test', path: '/metadata/finalizers/1', value: ARTIFACT_GC_FINALIZER },
      { op: 'remove', path: '/metadata/finalizers/1' },
    ]);
    expect(patchedFinalizers(d.evidence.finalizers, d.workflow.uid!, ops)).toEqual(['example.com/keep-me']);
  });

  it('gives no command without the finalizer or without a uid to pin it to', () => {
    const d = gcFailedDecision();
    expect(narrowPatchCommand({ ...d, evidence: { ...d.evidence, finalizers: ['example.com/keep-me'] } })).toBeUndefined();
    expect(narrowPatchCommand({ ...d, workflow: { namespace: 'data', name: 'etl-run-q8h2d' } })).toBeUndefined();
  });
});

describe('inspectCommands', () => {
  it('points at the failed pod logs and task for gc-failed, and describes a stuck pod', () => {
    expect(inspectCommands(gcFailedDecision())).toEqual([
      'kubectl -n data logs etl-run-q8h2d-artgc-wfdel-1104873411 --all-containers',
      'kubectl -n data get workflowartifactgctask etl-run-q8h2d-artgc-wfdel-1104873411-0 -o yaml',
    ]);
    expect(inspectCommands(gcFailedDecision({ cause: 'gc-failed', evidence: { ...gcFailedDecision().evidence, pods: [{ name: 'p-1', phase: 'Failed', recouped: true }] } }))[0]).toBe(
      'kubectl -n data logs p-1 --all-containers',
    );
    expect(inspectCommands(gcPodStuckDecision())).toEqual(['kubectl -n ml describe pod train-model-x9k2l-artgc-wfcomp-2166136261']);
  });
});
