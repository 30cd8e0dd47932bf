// How the rules read the GC machinery (pods, tasks, status): each case is one fact Argo's controller would read the
// same way, on the example (b) Workflow (deletion requested two days ago, OnWorkflowDeletion, both strategies
// processed, two pending artifacts), changed only in what the case is about.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ARTIFACT_GC_FINALIZER } from '../../../src/domain/assessment.js';
import { narrowPatchCommand } from '../../../src/domain/explain.js';
import { readMachinery, strategyOf } from '../../../src/domain/gc-machinery.js';
import { quietPeriod } from '../../../src/domain/quiet-period.js';
import { assessRaw, parseSnapshot, snapshotsFromObjects } from '../../../src/domain/snapshot.js';
import { NOW, QUIET_MS, etlWorkflow, gcPod, gcTask, minutesBefore } from '../../fixtures/workflows.js';

type Obj = Record<string, any>;
const run = (snapshot: Parameters<typeof assessRaw>[0], now = NOW) => assessRaw(snapshot, { now, quietPeriodMs: QUIET_MS });
const NODE = 'etl-run-q8h2d';
const bothDeleted = { [NODE]: { report: { success: true }, 'main-logs': { success: true } } };
/** A GC pod the controller has already recouped: listed in `podsRecouped`. */
const recouped = (wf: Obj, ...pods: (Obj | string)[]) => {
  wf.status.artifactGCStatus.podsRecouped = Object.fromEntries(pods.map((p) => [typeof p === 'string' ? p : p.metadata.name, true]));
};

describe('task results', () => {
  it('a task result without `success` never confirms deletion: the finalizer stays and a human is told', () => {
    const wf = etlWorkflow();
    const pod = gcPod(wf, { strategy: 'wfdel', phase: 'Succeeded', createdMinutesAgo: 200, finishedMinutesAgo: 199 });
    const task = gcTask(wf, 'wfdel');
    // What a GC pod that crashed mid-report leaves: the result entries, no verdict on them.
    task.status = { artifactResultsByNode: { [NODE]: { artifactResults: { report: { name: 'report' }, 'main-logs': { name: 'main-logs', error: '' } } } } };
    const a = run({ workflow: wf, pods: [pod], tasks: [task] });
    expect([a.verdict, a.cause, a.patch]).toEqual(['notify', 'gc-failed', undefined]);
    // The same pod and task, once the results say success: row 9 removes.
    expect(run({ workflow: wf, pods: [pod], tasks: [gcTask(wf, 'wfdel', bothDeleted)] }).cause).toBe('gc-succeeded-unrecouped');
  });

  it('one artifact confirmed and the other without a result does not confirm the Workflow', () => {
    const wf = etlWorkflow();
    const pod = gcPod(wf, { strategy: 'wfdel', phase: 'Succeeded', createdMinutesAgo: 200, finishedMinutesAgo: 199 });
    const a = run({ workflow: wf, pods: [pod], tasks: [gcTask(wf, 'wfdel', { [NODE]: { report: { success: true } } })] });
    expect(a.verdict).toBe('notify');
  });

  it('a result without its own name is the artifact it is keyed by', () => {
    const wf = etlWorkflow();
    const pod = gcPod(wf, { strategy: 'wfdel', phase: 'Succeeded', createdMinutesAgo: 200, finishedMinutesAgo: 199 });
    const task = gcTask(wf, 'wfdel');
    task.status = { artifactResultsByNode: { [NODE]: { artifactResults: { report: { success: true }, 'main-logs': { success: true } } } } };
    expect(run({ workflow: wf, pods: [pod], tasks: [task] }).cause).toBe('gc-succeeded-unrecouped');
  });
});

describe('objects the controller has not filled in yet', () => {
  it('a Workflow without any status is not finished: waited for, not a crash', () => {
    const wf = etlWorkflow();
    delete wf.status;
    delete wf.metadata.deletionTimestamp;
    const a = run({ workflow: wf });
    expect(a).toMatchObject({ verdict: 'wait', cause: 'workflow-not-finished', evidence: { pods: [], conditions: [], strategiesProcessed: [] } });
    // The audit record then carries no phase and no deletion at all, not empty ones.
    expect(Object.keys(a.evidence)).toEqual(['pods', 'tasks', 'conditions', 'strategiesProcessed', 'forceFinalizerRemoval', 'finalizers', 'processedReading']);
  });

  it('a Workflow without a finalizers list has none in its evidence', () => {
    const wf = etlWorkflow();
    delete wf.metadata.finalizers;
    expect(run({ workflow: wf })).toMatchObject({ cause: 'no-finalizer', evidence: { finalizers: [] } });
  });

  it('a GC pod without any status yet (just created) is running GC: waited for, then stuck', () => {
    const wf = etlWorkflow();
    const pod = gcPod(wf, { strategy: 'wfdel', phase: 'Pending', createdMinutesAgo: 5 });
    delete pod.status;
    const a = run({ workflow: wf, pods: [pod] });
    expect([a.verdict, a.cause, a.evidence.pods]).toEqual(['wait', 'gc-running', [{ name: pod.metadata.name, phase: 'Pending', strategy: 'OnWorkflowDeletion', recouped: false }]]);
    expect(run({ workflow: wf, pods: [pod] }, new Date(NOW.getTime() + QUIET_MS)).cause).toBe('gc-pod-stuck');
  });
});

describe('the quiet period', () => {
  it('a GC pod that finished 2 minutes ago restarts it, however long ago the pod was created', () => {
    const wf = etlWorkflow();
    const pod = gcPod(wf, { strategy: 'wfdel', phase: 'Succeeded', createdMinutesAgo: 200, finishedMinutesAgo: 2 });
    const a = run({ workflow: wf, pods: [pod], tasks: [gcTask(wf, 'wfdel', bothDeleted)] });
    expect([a.verdict, a.cause]).toEqual(['wait', 'gc-awaiting-recoup']);
    expect(a.quietUntil).toBe(new Date(Date.parse(minutesBefore(2)) + QUIET_MS).toISOString());
    // Long enough after that finish, the same state is row 9.
    expect(run({ workflow: wf, pods: [pod], tasks: [gcTask(wf, 'wfdel', bothDeleted)] }, new Date(NOW.getTime() + QUIET_MS)).cause).toBe('gc-succeeded-unrecouped');
  });

  it('is anchored on the latest timestamp, whatever order the Workflow and its pods list them in', () => {
    const minutes = fc.integer({ min: 0, max: 600 });
    fc.assert(
      fc.property(
        fc.option(minutes, { nil: undefined }),
        fc.option(minutes, { nil: undefined }),
        fc.array(fc.record({ created: minutes, finished: fc.array(minutes, { maxLength: 3 }) }), { maxLength: 3 }),
        fc.option(minutes, { nil: undefined }),
        (finished, deletion, pods, rearm) => {
          const wf = etlWorkflow();
          delete wf.metadata.deletionTimestamp;
          delete wf.status.finishedAt;
          if (finished !== undefined) wf.status.finishedAt = minutesBefore(finished);
          if (deletion !== undefined) wf.metadata.deletionTimestamp = minutesBefore(deletion);
          const podObjects = pods.map((p, i) => {
            const pod = gcPod(wf, { strategy: 'wfdel', phase: 'Succeeded', createdMinutesAgo: p.created });
            pod.metadata.name += `-${i}`;
            pod.status.containerStatuses = p.finished.map((m, j) => ({ name: `c${j}`, state: { terminated: { finishedAt: minutesBefore(m) } } }));
            return pod;
          });
          const snap = parseSnapshot({ workflow: wf, pods: podObjects });
          const q = quietPeriod(snap.workflow, readMachinery(snap).pods, NOW, QUIET_MS, rearm === undefined ? undefined : minutesBefore(rearm));
          const all = [finished, deletion, ...pods.flatMap((p) => [p.created, ...p.finished]), rearm].filter((m): m is number => m !== undefined);
          if (all.length === 0) {
            expect([q.anchor, q.inside]).toEqual([undefined, false]);
            return;
          }
          const latest = Math.min(...all);
          expect(q.anchor?.toISOString()).toBe(new Date(Date.parse(minutesBefore(latest))).toISOString());
          expect(q.inside).toBe(latest * 60_000 < QUIET_MS);
        },
      ),
      { numRuns: 300, seed: 20261201 },
    );
  });

  it('a re-arm at the same instant as another timestamp is the anchor: it is what the controller reacts to', () => {
    const wf = etlWorkflow();
    const at = minutesBefore(5);
    wf.metadata.deletionTimestamp = at;
    wf.metadata.annotations = { 'argo-finalizer-remediator/rearm': JSON.stringify({ count: 1, at }) };
    expect(run({ workflow: wf })).toMatchObject({ verdict: 'wait', cause: 'gc-rearmed' });
  });

  it('without any timestamp there is no anchor: never inside, treated as over', () => {
    const wf = etlWorkflow();
    delete wf.metadata.deletionTimestamp;
    delete wf.status.finishedAt;
    expect(quietPeriod(parseSnapshot({ workflow: wf }).workflow, [], NOW, QUIET_MS)).toEqual({ anchor: undefined, anchorKind: undefined, elapsedMs: Infinity, inside: false });
  });

  it('a Workflow with no status at all is anchored on its deletion alone', () => {
    const wf = etlWorkflow();
    delete wf.status;
    const q = quietPeriod(parseSnapshot({ workflow: wf }).workflow, [], NOW, QUIET_MS);
    expect([q.anchorKind, q.anchor?.toISOString(), q.inside]).toEqual(['deletion requested', new Date(wf.metadata.deletionTimestamp).toISOString(), false]);
  });

  it('ends exactly one quiet period after the anchor: not a moment before, not a moment after', () => {
    const wf = etlWorkflow();
    wf.metadata.deletionTimestamp = new Date(NOW.getTime() - QUIET_MS).toISOString();
    expect(run({ workflow: wf }).verdict).toBe('notify');
    expect(run({ workflow: wf }, new Date(NOW.getTime() - 1))).toMatchObject({ verdict: 'wait', quietUntil: NOW.toISOString() });
  });
});

describe('which strategy a GC pod or task belongs to', () => {
  it('names follow the controller: <wf>-artgc-wfcomp-<hash> and <wf>-artgc-wfdel-<hash>, tasks <pod>-<i>; the annotation wins', () => {
    expect(strategyOf(undefined, 'etl-artgc-wfcomp-2166136261')).toBe('OnWorkflowCompletion');
    expect(strategyOf(undefined, 'etl-artgc-wfdel-2166136261-0')).toBe('OnWorkflowDeletion');
    expect(strategyOf(undefined, 'etl-artgc-wfdel-abc')).toBeUndefined();
    expect(strategyOf(undefined, 'etl-2166136261')).toBeUndefined();
    expect(strategyOf('OnWorkflowDeletion', 'etl-artgc-wfcomp-2166136261')).toBe('OnWorkflowDeletion');
    expect(strategyOf('Never', 'etl-artgc-wfcomp-2166136261')).toBe('OnWorkflowCompletion');
    expect(strategyOf('OnWorkflowCompletion', 'etl-artgc-wfdel-2166136261')).toBe('OnWorkflowCompletion');
  });

  it('a pod and a task of the other strategy do not stand in for the due one: marked processed, nothing ran for it', () => {
    const wf = etlWorkflow(); // only OnWorkflowDeletion artifacts are pending
    const comp = gcPod(wf, { strategy: 'wfcomp', phase: 'Succeeded', createdMinutesAgo: 3000, finishedMinutesAgo: 2999 });
    recouped(wf, comp);
    const a = run({ workflow: wf, tasks: [gcTask(wf, 'wfcomp')] });
    expect([a.verdict, a.cause]).toEqual(['notify', 'gc-never-ran']);
    expect(a.reasons.join(' ')).toContain('strategy OnWorkflowDeletion marked processed');
    // The same with the completion pod still there, not recouped.
    wf.status.artifactGCStatus.podsRecouped = {};
    expect(run({ workflow: wf, pods: [comp], tasks: [gcTask(wf, 'wfcomp')] }).cause).toBe('gc-never-ran');
  });

  it('a task of the due strategy without any pod of that strategy is a pod that was never created', () => {
    const wf = etlWorkflow();
    const comp = gcPod(wf, { strategy: 'wfcomp', phase: 'Succeeded', createdMinutesAgo: 3000, finishedMinutesAgo: 2999 });
    const a = run({ workflow: wf, pods: [comp], tasks: [gcTask(wf, 'wfdel')] });
    expect([a.verdict, a.cause]).toEqual(['notify', 'gc-pod-missing']);
    // Recouped (and gone with its task) is not missing: GC ran and left the artifacts, row 17.
    recouped(wf, `${NODE}-artgc-wfdel-2166136261`);
    expect(run({ workflow: wf, tasks: [gcTask(wf, 'wfdel')] }).cause).toBe('gc-failed');
  });

  it('a pod written `false` in podsRecouped was not recouped: its task without a pod is still a missing pod', () => {
    const wf = etlWorkflow();
    wf.status.artifactGCStatus.podsRecouped = { [`${NODE}-artgc-wfdel-2166136261`]: false };
    expect(run({ workflow: wf, tasks: [gcTask(wf, 'wfdel')] }).cause).toBe('gc-pod-missing');
  });

  it('a GC pod in phase Unknown (its node lost) is not running GC: not stuck, not waited for', () => {
    const wf = etlWorkflow();
    const pod = gcPod(wf, { strategy: 'wfdel', phase: 'Unknown', createdMinutesAgo: 300 });
    recouped(wf, pod);
    const a = run({ workflow: wf, pods: [pod] });
    expect([a.verdict, a.cause]).toEqual(['notify', 'gc-failed']);
    expect(run({ workflow: wf, pods: [pod] }, new Date(Date.parse(pod.metadata.creationTimestamp) + 60_000)).cause).not.toBe('gc-running');
  });

  it('a GC pod is matched to its strategy by the controller annotation, whatever its name', () => {
    const wf = etlWorkflow();
    const pod = gcPod(wf, { strategy: 'wfdel', phase: 'Succeeded', createdMinutesAgo: 200, finishedMinutesAgo: 199 });
    pod.metadata.name = `${NODE}-artgc-renamed`;
    const a = run({ workflow: wf, pods: [pod], tasks: [gcTask(wf, 'wfdel')] });
    expect(a.evidence.pods).toEqual([{ name: pod.metadata.name, phase: 'Succeeded', strategy: 'OnWorkflowDeletion', recouped: false }]);
    expect(a.cause).toBe('gc-failed');
  });
});

describe('what is due', () => {
  it('an OnWorkflowDeletion artifact is not due before deletion: a controller that never started it is not stuck', () => {
    const wf = etlWorkflow();
    delete wf.metadata.deletionTimestamp;
    // report is OnWorkflowCompletion, main-logs stays OnWorkflowDeletion (spec): a mixed Workflow, not row 5.
    wf.status.nodes[NODE].outputs.artifacts[0].artifactGC = { strategy: 'OnWorkflowCompletion' };
    wf.status.artifactGCStatus = { strategiesProcessed: { OnWorkflowCompletion: true } };
    recouped(wf, `${NODE}-artgc-wfcomp-2166136261`);
    const a = run({ workflow: wf });
    expect([a.verdict, a.cause]).toEqual(['notify', 'gc-failed']);
    expect(a.pendingArtifacts.map((p) => [p.name, p.strategy])).toEqual([['report', 'OnWorkflowCompletion'], ['main-logs', 'OnWorkflowDeletion']]);
    // Inside the quiet period it is plain waiting, not "GC not started".
    expect(run({ workflow: wf }, new Date(Date.parse(wf.status.finishedAt) + 60_000)).cause).toBe('quiet-period');
  });
});

describe('status the controller wrote', () => {
  it('the evidence lists the processed strategies sorted, whatever order the controller wrote them in', () => {
    const wf = etlWorkflow();
    wf.status.artifactGCStatus = { strategiesProcessed: { OnWorkflowDeletion: true, OnWorkflowCompletion: true } };
    expect(run({ workflow: wf }).evidence.strategiesProcessed).toEqual(['OnWorkflowCompletion', 'OnWorkflowDeletion']);
  });

  it('a strategy marked `false` in strategiesProcessed was never processed: the controller is not reconciling', () => {
    const wf = etlWorkflow();
    wf.status.artifactGCStatus = { strategiesProcessed: { OnWorkflowCompletion: false, OnWorkflowDeletion: false } };
    const a = run({ workflow: wf });
    expect([a.verdict, a.cause, a.evidence.strategiesProcessed]).toEqual(['notify', 'controller-not-reconciling', []]);
  });

  it('a resolved ArtifactGCError condition (status False) is no failure signal; an active one is', () => {
    const wf = etlWorkflow();
    const condition = { type: 'ArtifactGCError', message: 'Access Denied' };
    wf.status.conditions.push({ ...condition, status: 'False' });
    const resolved = run({ workflow: wf });
    expect([resolved.cause, resolved.evidence.conditions]).toEqual(['gc-never-ran', []]);
    wf.status.conditions.push({ ...condition, status: 'True' });
    const active = run({ workflow: wf });
    expect([active.cause, active.evidence.conditions]).toEqual(['gc-failed', ['Access Denied']]);
  });

  it('the evidence keeps every finalizer in order, so a notify still carries the narrow last-resort patch', () => {
    const wf = etlWorkflow();
    wf.metadata.finalizers = ['example.com/keep-audit', ARTIFACT_GC_FINALIZER, 'foregroundDeletion'];
    const a = run({ workflow: wf });
    expect(a.verdict).toBe('notify');
    expect(a.evidence.finalizers).toEqual(['example.com/keep-audit', ARTIFACT_GC_FINALIZER, 'foregroundDeletion']);
    const cmd = narrowPatchCommand(a)!;
    expect(cmd).toContain('{"op":"test","path":"/metadata/finalizers/1","value":"workflows.argoproj.io/artifact-gc"},{"op":"remove","path":"/metadata/finalizers/1"}');
  });
});

describe('kubectl get wf,pods -o json', () => {
  it("the Workflow's own step pods are not GC pods, whatever their phase", () => {
    const wf = etlWorkflow();
    const step = (name: string, phase: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: wf.metadata.namespace, creationTimestamp: minutesBefore(4000), labels: { 'workflows.argoproj.io/workflow': NODE, 'workflows.argoproj.io/completed': 'true' } },
      status: { phase },
    });
    // A step pod stuck Running behind its sidecar, and a finished one: both in the same namespace, with the Workflow label.
    const [raw] = snapshotsFromObjects([wf, step(`${NODE}-main-1`, 'Running'), step(`${NODE}-main-2`, 'Succeeded')]);
    expect(raw!.pods).toHaveLength(2);
    const a = run(raw!);
    expect([a.verdict, a.cause, a.evidence.pods]).toEqual(['notify', 'gc-never-ran', []]);
  });
});

describe('the evidence a human and the audit record get', () => {
  it('lists pods and tasks by name, with phase, strategy, recoup, why a pod is stuck, and each failed result', () => {
    const wf = etlWorkflow();
    wf.status.conditions.push({ type: 'ArtifactGCError', status: 'True' });
    const stuck = gcPod(wf, { strategy: 'wfdel', phase: 'Pending', createdMinutesAgo: 300, waitingReason: 'ImagePullBackOff' });
    stuck.metadata.name = `${NODE}-artgc-wfdel-9`;
    const evicted = gcPod(wf, { strategy: 'wfcomp', phase: 'Failed', createdMinutesAgo: 300 });
    evicted.status = { phase: 'Failed', reason: 'Evicted' };
    // A pod just created has no phase yet: shown as Pending.
    const fresh = gcPod(wf, { strategy: 'wfcomp', phase: 'Pending', createdMinutesAgo: 300 });
    fresh.metadata.name = `${NODE}-artgc-wfcomp-1`;
    fresh.status = {};
    recouped(wf, evicted);
    const failed = gcTask(wf, 'wfdel');
    failed.metadata.name = `${NODE}-artgc-wfdel-9-0`;
    failed.status = { artifactResultsByNode: { [NODE]: { artifactResults: { report: { name: 'report', success: false }, 'main-logs': { name: 'main-logs', success: false, error: 'Access Denied' } } } } };
    const a = run({ workflow: wf, pods: [stuck, evicted, fresh], tasks: [failed, gcTask(wf, 'wfcomp')] });
    expect(a.evidence.pods).toEqual([
      { name: `${NODE}-artgc-wfcomp-1`, phase: 'Pending', strategy: 'OnWorkflowCompletion', recouped: false },
      { name: `${NODE}-artgc-wfcomp-2166136261`, phase: 'Failed', strategy: 'OnWorkflowCompletion', recouped: true, reason: 'Evicted' },
      { name: `${NODE}-artgc-wfdel-9`, phase: 'Pending', strategy: 'OnWorkflowDeletion', recouped: false, reason: 'ImagePullBackOff' },
    ]);
    expect(a.evidence.tasks).toEqual([
      { name: `${NODE}-artgc-wfcomp-2166136261-0`, errors: [] },
      { name: `${NODE}-artgc-wfdel-9-0`, errors: [{ node: NODE, artifact: 'report', error: 'failed' }, { node: NODE, artifact: 'main-logs', error: 'Access Denied' }] },
    ]);
    expect(a.evidence.conditions).toEqual(['ArtifactGCError']);
    expect([a.evidence.phase, a.evidence.deletionTimestamp, a.evidence.strategiesProcessed]).toEqual(['Succeeded', wf.metadata.deletionTimestamp, ['OnWorkflowCompletion', 'OnWorkflowDeletion']]);
    expect(a.reasons.join(' ')).toContain(`GC pod ${NODE}-artgc-wfcomp-1 (+1 more) Pending past the quiet period`);
  });

  it('a pod waiting on several containers is shown with the first reason, init containers first', () => {
    const wf = etlWorkflow();
    const pod = gcPod(wf, { strategy: 'wfdel', phase: 'Pending', createdMinutesAgo: 300 });
    pod.status = {
      phase: 'Pending',
      initContainerStatuses: [{ name: 'init', state: { waiting: { reason: 'ImagePullBackOff' } } }],
      containerStatuses: [{ name: 'wait', state: { waiting: { reason: 'PodInitializing' } } }, { name: 'main', state: { waiting: {} } }],
    };
    const a = run({ workflow: wf, pods: [pod] });
    expect([a.cause, a.evidence.pods[0]!.reason]).toEqual(['gc-pod-stuck', 'ImagePullBackOff']);
    expect(a.reasons).toContain(`GC pod ${pod.metadata.name} Pending (ImagePullBackOff) past the quiet period`);
  });

  it('a GC pod that Failed is named as the failure, though its task reported nothing', () => {
    const wf = etlWorkflow();
    const pod = gcPod(wf, { strategy: 'wfdel', phase: 'Failed', createdMinutesAgo: 200, finishedMinutesAgo: 199 });
    const a = run({ workflow: wf, pods: [pod], tasks: [gcTask(wf, 'wfdel')] });
    expect([a.verdict, a.cause]).toEqual(['notify', 'gc-failed']);
    expect(a.reasons).toContain(`GC pod ${pod.metadata.name} Failed`);
  });

  it('an init container that finished recently counts as GC pod activity too', () => {
    const wf = etlWorkflow();
    const pod = gcPod(wf, { strategy: 'wfdel', phase: 'Succeeded', createdMinutesAgo: 200 });
    pod.status.initContainerStatuses = [{ name: 'init', state: { terminated: { finishedAt: minutesBefore(3) } } }];
    expect(run({ workflow: wf, pods: [pod] }).cause).toBe('gc-awaiting-recoup');
  });

  it('a task error saying delete is not supported, in any case, is the unsupported-driver row', () => {
    const wf = etlWorkflow();
    const pod = gcPod(wf, { strategy: 'wfdel', phase: 'Failed', createdMinutesAgo: 200, finishedMinutesAgo: 199 });
    const task = gcTask(wf, 'wfdel', { [NODE]: { report: { success: false, error: 'Delete Not Supported for this artifact storage' } } });
    const a = run({ workflow: wf, pods: [pod], tasks: [task] });
    expect([a.cause, a.reasons.at(-1)]).toEqual(['gc-unsupported-driver', `task ${NODE}-artgc-wfdel-2166136261-0: ${NODE}/report: Delete Not Supported for this artifact storage`]);
    // The same words on a result that succeeded are no error at all: only main-logs failed, and not for the driver.
    const ok = gcTask(wf, 'wfdel', { [NODE]: { report: { success: true, error: 'delete not supported' }, 'main-logs': { success: false, error: 'Access Denied' } } });
    const b = run({ workflow: wf, pods: [pod], tasks: [ok] });
    expect([b.cause, b.reasons.filter((r) => r.startsWith('task '))]).toEqual(['gc-failed', [`task ${NODE}-artgc-wfdel-2166136261-0: ${NODE}/main-logs failed: Access Denied`]]);
    expect(b.evidence.tasks).toEqual([{ name: `${NODE}-artgc-wfdel-2166136261-0`, errors: [{ node: NODE, artifact: 'main-logs', error: 'Access Denied' }] }]);
  });
});
