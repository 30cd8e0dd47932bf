import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ARTIFACT_GC_FINALIZER, Cause } from '../../../src/domain/assessment.js';
import { explainCause, inspectCommands, narrowPatchCommand } from '../../../src/domain/explain.js';
import { patchedFinalizers } from '../../helpers/patch.js';
import type { Decision } from '../../../src/domain/decision.js';
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

  it('before #16897, a strategy marked done that never ran is a create Argo never retries (#16894)', () => {
    const attempted = explainCause('gc-never-ran', 'attempted');
    expect(attempted.why).toMatch(/failed create/);
    expect(attempted.why).toContain('#16894');
    expect(attempted.nextStep).toContain('failed to GC artifacts');
    expect(explainCause('gc-never-ran', 'created').why).not.toContain('#16894');
  });

  it('never shows a reading that has nothing to add as a placeholder word', () => {
    for (const cause of Cause.options) {
      for (const reading of ['attempted', 'created', 'unknown'] as const) {
        const x = explainCause(cause, reading);
        expect(`${x.title} ${x.why} ${x.nextStep}`, `${cause} ${reading}`).not.toMatch(/undefined|  /);
      }
    }
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

  const withPods = (base: typeof gcFailedDecision, pods: { name: string; phase: string }[], over: Partial<Decision> = {}) => {
    const d = base(over);
    return { ...d, evidence: { ...d.evidence, pods: pods.map((p) => ({ ...p, recouped: false })) } };
  };

  it('shows the logs of the pods that failed first, and of every pod when none failed', () => {
    const mixed = withPods(gcFailedDecision, [
      { name: 'gc-ok', phase: 'Succeeded' },
      { name: 'gc-bad', phase: 'Failed' },
    ]);
    expect(inspectCommands(mixed).filter((c) => c.includes(' logs '))).toEqual(['kubectl -n data logs gc-bad --all-containers']);
    const noneFailed = withPods(gcFailedDecision, [
      { name: 'gc-a', phase: 'Succeeded' },
      { name: 'gc-b', phase: 'Succeeded' },
    ]);
    expect(inspectCommands(noneFailed).filter((c) => c.includes(' logs '))).toEqual([
      'kubectl -n data logs gc-a --all-containers',
      'kubectl -n data logs gc-b --all-containers',
    ]);
  });

  it('names at most `max` pods and `max` tasks, so a Workflow with many GC pods gives a short list', () => {
    const pods = Array.from({ length: 5 }, (_, i) => ({ name: `gc-${i}`, phase: 'Failed' }));
    const d = withPods(gcFailedDecision, pods);
    const many = { ...d, evidence: { ...d.evidence, tasks: Array.from({ length: 5 }, (_, i) => ({ name: `gc-${i}-0`, errors: [] })) } };
    expect(inspectCommands(many, 2)).toEqual([
      'kubectl -n data logs gc-0 --all-containers',
      'kubectl -n data logs gc-1 --all-containers',
      'kubectl -n data get workflowartifactgctask gc-0-0 -o yaml',
      'kubectl -n data get workflowartifactgctask gc-1-0 -o yaml',
    ]);
    const stuck = withPods(gcPodStuckDecision, Array.from({ length: 5 }, (_, i) => ({ name: `gc-${i}`, phase: 'Running' })));
    expect(inspectCommands(stuck, 2)).toEqual(['kubectl -n ml describe pod gc-0', 'kubectl -n ml describe pod gc-1']);
    const missing = gcFailedDecision({ cause: 'gc-pod-missing', evidence: many.evidence });
    expect(inspectCommands(missing, 2).filter((c) => c.includes('workflowartifactgctask'))).toHaveLength(2);
  });

  it('describes only the pods still Pending or Running for a stuck GC pod', () => {
    const d = withPods(gcPodStuckDecision, [
      { name: 'gc-pending', phase: 'Pending' },
      { name: 'gc-done', phase: 'Succeeded' },
      { name: 'gc-running', phase: 'Running' },
      { name: 'gc-failed', phase: 'Failed' },
    ]);
    expect(inspectCommands(d)).toEqual(['kubectl -n ml describe pod gc-pending', 'kubectl -n ml describe pod gc-running']);
  });

  it('reads the node status with argo for nodes-unavailable, and the task and Events for a GC pod never created', () => {
    expect(inspectCommands(gcFailedDecision({ cause: 'nodes-unavailable' }))).toEqual(['argo -n data get etl-run-q8h2d -o json']);
    expect(inspectCommands(gcFailedDecision({ cause: 'gc-pod-missing' }))).toEqual([
      'kubectl -n data get workflowartifactgctask etl-run-q8h2d-artgc-wfdel-1104873411-0 -o yaml',
      'kubectl -n data get events --field-selector involvedObject.name=etl-run-q8h2d --sort-by=.lastTimestamp',
    ]);
  });

  it('has no command for causes with nothing to inspect', () => {
    for (const cause of ['gc-never-ran', 'controller-not-reconciling', 'artifacts-verified-absent'] as const) {
      expect(inspectCommands(gcFailedDecision({ cause })), cause).toEqual([]);
    }
  });

  it('passes a name the shell would split or expand to kubectl as one argument', () => {
    for (const name of ['gc pod', "it's", '$HOME', 'a;b']) {
      const [cmd] = inspectCommands(withPods(gcFailedDecision, [{ name, phase: 'Failed' }]));
      expect(argvOf(cmd!), name).toEqual(['-n', 'data', 'logs', name, '--all-containers']);
    }
  });
});
