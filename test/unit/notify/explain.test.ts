import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
    ['gc-failed', ['templateReferencing', 'Strict', 'v3.7.18', 'v4.0.10', 'v4.1.0', 'serviceAccountName', 'podMetadata']],
    ['gc-pod-missing', ['#14355', 'admission', 'ResourceQuota', 'Pod Security', 'ServiceAccount', '#16897']],
    ['gc-unsupported-driver', ['#3102', 'hdfs', 'http', 'artifactory', 'git', 'raw', 'strategy: Never']],
    ['artifacts-verified-absent', ['HeadObject', '#13161']],
    ['gc-rearmed', ['strategiesProcessed', 'podsRecouped', 'argo-finalizer-remediator/rearm']],
    ['gc-rearm-failed', ['maxAttempts', 'evidence.rowCause', 'argo-finalizer-remediator/rearm']],
  ] as const)('names the concrete fix for %s', (cause, words) => {
    const x = explainCause(cause);
    const text = `${x.why} ${x.nextStep}`;
    for (const w of words) expect(text, w).toContain(w);
  });
});

describe('explainCause per reading of strategiesProcessed (argo #16897)', () => {
  const versioned = ['gc-never-ran', 'gc-pod-missing', 'controller-not-reconciling', 'gc-not-started'] as const;

  it.each(versioned)('%s: without a version both readings are given, each named; with one only its own', (cause) => {
    const both = explainCause(cause);
    const attempted = explainCause(cause, 'attempted');
    const created = explainCause(cause, 'created');
    expect(`${both.why} ${both.nextStep}`).toContain('With argo #16897');
    expect(`${attempted.why} ${attempted.nextStep}`).not.toContain('With argo #16897');
    expect(`${created.why} ${created.nextStep}`).not.toContain('Before argo #16897');
    expect(created.why).not.toEqual(attempted.why);
  });

  it('says a re-arm is needed before #16897 and not with it, for a task without a pod', () => {
    expect(explainCause('gc-pod-missing', 'attempted').nextStep).toMatch(/re-arm GC/);
    expect(explainCause('gc-pod-missing', 'created').nextStep).toMatch(/no re-arm is needed/);
  });

  it('reads the same whatever the version for causes #16897 does not touch', () => {
    for (const cause of ['gc-failed', 'gc-pod-stuck', 'artifacts-verified-absent', 'gc-unsupported-driver'] as const) {
      expect(explainCause(cause, 'created')).toEqual(explainCause(cause, 'attempted'));
    }
  });
});

describe("README's decision table agrees with the cause codes and explain.ts, row for row", () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## The decision, in plain words'), readme.indexOf('## What it will never do'));
  const rows = section.split('\n').filter((l) => /^\| (\d+|-|after) /.test(l));

  it('lists every cause code, in the order of the Cause enum (the evaluation order)', () => {
    const codes = rows.flatMap((r) => [...r.split('|')[4]!.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]!));
    expect([...new Set(codes)]).toEqual([...Cause.options].filter((c) => codes.includes(c)));
    expect([...Cause.options].filter((c) => !codes.includes(c))).toEqual([]);
  });

  it('numbers rows 1 to 17 as README "The decision, in plain words" does', () => {
    expect(rows.map((r) => r.split('|')[1]!.trim()).filter((n) => /^\d+$/.test(n)).map(Number)).toEqual(Array.from({ length: 17 }, (_, i) => i + 1));
  });

  it('names the upstream issues explain.ts cites for each new cause', () => {
    const byCause = (c: string) => rows.find((r) => r.includes(`\`${c}\``))!;
    expect(byCause('gc-pod-missing')).toContain('#14355');
    expect(byCause('gc-unsupported-driver')).toContain('#3102');
    expect(byCause('artifacts-verified-absent')).toContain('#13161');
    expect(section).toContain('#14387');
    expect(section).toContain('templateReferencing');
    expect(section).toContain('#16897');
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
      { op: 'test', path: '/metadata/resourceVersion', value: d.resourceVersion },
      { op: 'test', path: '/metadata/finalizers/1', value: ARTIFACT_GC_FINALIZER },
      { op: 'remove', path: '/metadata/finalizers/1' },
    ]);
    expect(patchedFinalizers({ uid: d.workflow.uid!, resourceVersion: d.resourceVersion!, finalizers: d.evidence.finalizers }, ops)).toEqual(['example.com/keep-me']);
    // Shown a state that has since changed, the human's command fails closed instead of acting on it.
    expect(() => patchedFinalizers({ uid: d.workflow.uid!, resourceVersion: `${d.resourceVersion}1`, finalizers: d.evidence.finalizers }, ops)).toThrow(/resourceVersion/);
  });

  it('gives no command without the finalizer or without a uid and resourceVersion to pin it to', () => {
    const d = gcFailedDecision();
    expect(narrowPatchCommand({ ...d, evidence: { ...d.evidence, finalizers: ['example.com/keep-me'] } })).toBeUndefined();
    expect(narrowPatchCommand({ ...d, workflow: { namespace: 'data', name: 'etl-run-q8h2d' } })).toBeUndefined();
    expect(narrowPatchCommand({ ...d, resourceVersion: undefined })).toBeUndefined();
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
