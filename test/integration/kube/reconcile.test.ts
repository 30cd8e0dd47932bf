import { beforeEach, describe, expect, it } from 'vitest';
import { type BeforeAct, MissingEvidenceStepError, ReconcileConflictError, isRetryable, reconcile, type ReconcileOptions } from '../../../src/remediation/reconcile.js';
import { snapshotDigest } from '../../../src/remediation/digest.js';
import { allSeeds, GC, NOW, parentWorkflowA } from './fixtures.js';
import { type LocalApiServer, portOn, useLocalCluster, WORKFLOW_PATH } from './local-cluster.js';

const A = { namespace: 'argo-workflows', name: 'parent-wf-7xk2p' };
const B = { namespace: 'data', name: 'etl-run-q8h2d' };
const C = { namespace: 'reports', name: 'nightly-report-5jz7c' };
const A_UID = '5b0f3c1e-8d7a-4c55-9a52-2f6b1f0e9a11';
const wfRef = { kind: 'Workflow', ...A };

const cluster = useLocalCluster({ seed: allSeeds() });
let server: LocalApiServer;
beforeEach(() => {
  server = cluster();
  stepCalls = [];
});

/** The evidence step, recorded: each call with how many PATCHes the server had seen when it ran. */
let stepCalls: { patchesBefore: number; outcome: string }[] = [];
const EVIDENCE = { evidenceKey: 'evidence/k/', evidenceSha256: 'a'.repeat(64), intentKey: 'audit/k.intent.json' };
const beforeAct: BeforeAct = async (plan) => {
  stepCalls.push({ patchesBefore: patches().length, outcome: plan.outcome });
  return EVIDENCE;
};
const opts = (act: ReconcileOptions['act']): ReconcileOptions => ({ now: () => new Date(NOW), quietPeriodMs: 30 * 60_000, act, beforeAct });
const patches = () => server.requests.filter((r) => r.method === 'PATCH');

describe('reconcile', () => {
  it('apply: removes exactly the artifact-GC finalizer and reports what it sent', async () => {
    server.store.put(parentWorkflowA({ finalizers: ['example.com/a', GC, 'example.com/b'], deleting: false }));
    const { port } = portOn(server);
    const result = await reconcile(port, A, opts('apply'));
    expect(result).toMatchObject({ action: 'removed', outcome: 'patched', apiStatus: 200, workflow: { ...A, uid: A_UID } });
    expect(result.assessment).toMatchObject({ verdict: 'remove', cause: 'no-pending-artifacts' });
    expect(result.patchSent).toEqual(result.assessment!.patch);
    expect(result.snapshotDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(patches()).toHaveLength(1);
    expect(patches()[0]!.body).toEqual(result.assessment!.patch);
    expect(server.store.get(wfRef)!.metadata.finalizers).toEqual(['example.com/a', 'example.com/b']);
    // The evidence step ran once, before the PATCH, and its keys travel with the result.
    expect(stepCalls).toEqual([{ patchesBefore: 0, outcome: 'patched' }]);
    expect(result.evidence).toEqual(EVIDENCE);
  });

  it('no PATCH when the evidence step fails: the error reaches the caller, the finalizer stays', async () => {
    server.store.put(parentWorkflowA({ deleting: false }));
    const { port } = portOn(server);
    const refused = Object.assign(new Error('S3 said 503'), { retryable: true });
    const err = await reconcile(port, A, { ...opts('apply'), beforeAct: async () => Promise.reject(refused) }).catch((e: unknown) => e);
    expect(err).toBe(refused);
    expect(patches()).toHaveLength(0);
    expect(server.store.get(wfRef)!.metadata.finalizers).toContain(GC);
  });

  it('apply without an evidence step is refused before anything is read', async () => {
    const { port } = portOn(server);
    const before = server.requests.length;
    const { beforeAct: _, ...bare } = opts('apply');
    await expect(reconcile(port, A, bare)).rejects.toBeInstanceOf(MissingEvidenceStepError);
    expect(server.requests.length).toBe(before);
  });

  it('dry run and notify-only never run the evidence step', async () => {
    server.store.put(parentWorkflowA({ deleting: false }));
    const { port } = portOn(server);
    await reconcile(port, A, opts('dry-run'));
    await reconcile(port, A, opts('notify-only'));
    expect(stepCalls).toEqual([]);
  });

  it('apply on a terminating Workflow: it disappears once the finalizer is removed', async () => {
    server.store.put(parentWorkflowA({ deleting: true }));
    const { port } = portOn(server);
    expect(await reconcile(port, A, opts('apply'))).toMatchObject({ action: 'removed', outcome: 'patched' });
    expect(server.store.get(wfRef)).toBeUndefined();
    expect(await reconcile(port, A, opts('apply'))).toEqual({ workflow: A, assessment: null, action: 'none', outcome: 'already-gone' });
  });

  it('dry-run and notify-only never patch', async () => {
    server.store.put(parentWorkflowA({ deleting: false }));
    const { port } = portOn(server);
    expect(await reconcile(port, A, opts('dry-run'))).toMatchObject({ action: 'would-remove', outcome: 'dry-run' });
    expect(await reconcile(port, A, opts('notify-only'))).toMatchObject({ action: 'notified', outcome: 'policy: notify-only' });
    expect(patches()).toHaveLength(0);
    expect(server.store.get(wfRef)!.metadata.finalizers).toEqual([GC]);
  });

  it('notify and wait verdicts are never patched, even with apply', async () => {
    const { port } = portOn(server);
    const b = await reconcile(port, B, opts('apply'));
    expect(b).toMatchObject({ action: 'notified', outcome: 'needs-human', assessment: { verdict: 'notify', cause: 'gc-failed' } });
    const c = await reconcile(port, C, opts('apply'));
    expect(c).toMatchObject({ action: 'none', outcome: 'waiting', assessment: { verdict: 'wait', cause: 'gc-running' } });
    expect(patches()).toHaveLength(0);
  });

  it('the digest is of the raw snapshot the decision was made on', async () => {
    server.store.put(parentWorkflowA({ deleting: false }));
    const { port } = portOn(server);
    const raw = await port.snapshot(A);
    const result = await reconcile(port, A, opts('dry-run'));
    expect(result.snapshotDigest).toBe(snapshotDigest(raw));
  });

  it('a controller update between GET and PATCH fails the test (422); one fresh read and assessment, then the new patch', async () => {
    server.store.put(parentWorkflowA({ finalizers: [GC], deleting: false }));
    // The "controller" adds a finalizer in front, shifting artifact-gc to index 1, just before our PATCH lands.
    server.faults.onBeforeWrite(({ store }) => void store.mutate(wfRef, (wf) => void (wf.metadata.finalizers = ['example.com/late', GC])), {
      times: 1,
      pathRegex: `^${WORKFLOW_PATH(A.namespace, A.name)}$`,
    });
    const { port } = portOn(server);
    const result = await reconcile(port, A, opts('apply'));
    expect(result).toMatchObject({ action: 'removed', outcome: 'patched-after-reassess', apiStatus: 200 });
    // A fresh bundle and intent for the re-read state (a new resourceVersion, so a new decision).
    expect(stepCalls).toEqual([{ patchesBefore: 0, outcome: 'patched' }, { patchesBefore: 1, outcome: 'patched-after-reassess' }]);
    expect(patches().map((r) => r.status)).toEqual([422, 200]);
    expect(patches()[1]!.body).toEqual([
      { op: 'test', path: '/metadata/uid', value: A_UID },
      { op: 'test', path: '/metadata/resourceVersion', value: expect.any(String) },
      { op: 'test', path: '/metadata/finalizers/1', value: GC },
      { op: 'remove', path: '/metadata/finalizers/1' },
    ]);
    expect(server.store.get(wfRef)!.metadata.finalizers).toEqual(['example.com/late']);
    const gets = server.requests.filter((r) => r.method === 'GET' && r.path === WORKFLOW_PATH(A.namespace, A.name));
    expect(gets).toHaveLength(2);
  });

  it('re-assessment acts on the new verdict: an opt-out added meanwhile means nothing is removed', async () => {
    server.store.put(parentWorkflowA({ deleting: false }));
    server.faults.onBeforeWrite(
      ({ store }) =>
        void store.mutate(wfRef, (wf) => {
          wf.metadata.annotations = { ...wf.metadata.annotations, 'argo-finalizer-remediator/skip': 'true' };
          wf.metadata.finalizers = ['example.com/late', GC];
        }),
      { times: 1 },
    );
    const { port } = portOn(server);
    const result = await reconcile(port, A, opts('apply'));
    expect(result).toMatchObject({ action: 'none', outcome: 'changed-reassessed', assessment: { verdict: 'ignore', cause: 'opted-out' } });
    expect(patches()).toHaveLength(1);
    expect(server.store.get(wfRef)!.metadata.finalizers).toEqual(['example.com/late', GC]);
  });

  it('the opt-out race: an annotation added between GET and PATCH (nothing else changed) keeps the finalizer', async () => {
    server.store.put(parentWorkflowA({ deleting: false }));
    const readAt = server.store.get(wfRef)!.metadata.resourceVersion;
    // Only the owner's annotation, through the store like any write: the finalizer index still matches, so only
    // the resourceVersion test can catch it.
    server.faults.onBeforeWrite(
      ({ store }) => void store.mutate(wfRef, (wf) => void (wf.metadata.annotations = { ...wf.metadata.annotations, 'argo-finalizer-remediator/skip': 'true' })),
      { times: 1, pathRegex: `^${WORKFLOW_PATH(A.namespace, A.name)}$` },
    );
    const { port } = portOn(server);
    const result = await reconcile(port, A, opts('apply'));
    expect(result).toMatchObject({ action: 'none', outcome: 'changed-reassessed', apiStatus: 422, assessment: { verdict: 'ignore', cause: 'opted-out' } });
    // On the wire: one PATCH, pinned to what was read, refused; never a second one.
    expect(patches()).toHaveLength(1);
    expect(patches()[0]!.status).toBe(422);
    expect((patches()[0]!.body as unknown[]).slice(0, 2)).toEqual([
      { op: 'test', path: '/metadata/uid', value: A_UID },
      { op: 'test', path: '/metadata/resourceVersion', value: readAt },
    ]);
    expect(server.store.get(wfRef)!.metadata.finalizers).toEqual([GC]);
  });

  it.each(['drop', '504', 'hang'] as const)(
    'a PATCH applied whose answer is lost (%s): the retry fails its pinned test, nothing is removed twice or forced',
    async (response) => {
      server.store.put(parentWorkflowA({ finalizers: ['example.com/keep', GC], deleting: false }));
      server.faults.add({ kind: 'applied-then', response, match: { method: 'PATCH' }, times: 1 });
      const { port } = portOn(server, { timeoutMs: 300 });
      const result = await reconcile(port, A, opts('apply'));
      const sent = patches();
      // The first PATCH was applied (the store says so); the transport's retry of it fails the resourceVersion test.
      expect(sent[0]).toMatchObject({ status: 200, note: expect.stringContaining(`answer was lost: ${response}`) });
      expect(sent.slice(1).map((r) => r.status)).toEqual([422]);
      expect(server.store.get(wfRef)!.metadata.finalizers).toEqual(['example.com/keep']);
      // The retry's 422 and the re-read show our own first try was applied: the planned removal, confirmed,
      // with its assessment (orphans, notifyOperator), the patch sent and the evidence stored before it.
      expect(result).toMatchObject({ action: 'removed', outcome: 'removed-confirmed-on-reread', apiStatus: 422, assessment: { verdict: 'remove', cause: 'no-pending-artifacts' } });
      expect(result.patchSent).toEqual(result.assessment!.patch);
      expect(result.evidence).toEqual(EVIDENCE);
      expect(stepCalls).toEqual([{ patchesBefore: 0, outcome: 'patched' }]);
    },
  );

  it.each(['drop', '504'] as const)(
    'a PATCH that let a terminating Workflow go, its answer lost (%s): the retry gets 404 and the decision is the removal',
    async (response) => {
      server.store.put(parentWorkflowA({ finalizers: [GC], deleting: true }));
      server.faults.add({ kind: 'applied-then', response, match: { method: 'PATCH' }, times: 1 });
      const { port } = portOn(server, { timeoutMs: 300 });
      const result = await reconcile(port, A, opts('apply'));
      expect(patches().map((r) => r.status)).toEqual([200, 404]);
      expect(server.store.get(wfRef)).toBeUndefined();
      expect(result).toMatchObject({ action: 'removed', outcome: 'removed-confirmed-on-reread', apiStatus: 404, evidence: EVIDENCE });
      expect(result.patchSent).toEqual(result.assessment!.patch);
    },
  );

  it('a single PATCH refused because the finalizer was already gone is not claimed as ours', async () => {
    server.store.put(parentWorkflowA({ finalizers: [GC], deleting: false }));
    server.faults.onBeforeWrite(({ store }) => void store.mutate(wfRef, (wf) => void (wf.metadata.finalizers = [])), { times: 1 });
    const { port } = portOn(server);
    const result = await reconcile(port, A, opts('apply'));
    expect(patches().map((r) => r.status)).toEqual([422]);
    expect(result).toMatchObject({ action: 'none', outcome: 'finalizer-gone-on-reread', apiStatus: 422 });
  });

  it('a recreated namesake (new uid) fails the uid test and is judged afresh', async () => {
    server.store.put(parentWorkflowA({ deleting: false }));
    server.faults.onBeforeWrite(
      ({ store }) => {
        store.remove(wfRef);
        const fresh = parentWorkflowA({ deleting: false });
        const meta = fresh['metadata'] as Record<string, unknown>;
        meta['uid'] = 'f0000000-0000-4000-8000-000000000001';
        fresh['status'] = { phase: 'Running' };
        store.put(fresh);
      },
      { times: 1 },
    );
    const { port } = portOn(server);
    const result = await reconcile(port, A, opts('apply'));
    expect(result).toMatchObject({ action: 'none', outcome: 'changed-reassessed', assessment: { verdict: 'wait', cause: 'workflow-not-finished' } });
    expect(result.workflow.uid).toBe('f0000000-0000-4000-8000-000000000001');
    expect(server.store.get(wfRef)!.metadata.finalizers).toEqual([GC]);
  });

  it('the finalizer gone between GET and PATCH (controller, or a lost reply to our own try) is said as such', async () => {
    server.store.put(parentWorkflowA({ finalizers: ['example.com/keep', GC], deleting: false }));
    server.faults.onBeforeWrite(({ store }) => void store.mutate(wfRef, (wf) => void (wf.metadata.finalizers = ['example.com/keep'])), { times: 1 });
    const { port } = portOn(server);
    const result = await reconcile(port, A, opts('apply'));
    expect(result).toMatchObject({ action: 'none', outcome: 'finalizer-gone-on-reread', apiStatus: 422 });
    expect(result.assessment).toMatchObject({ verdict: 'ignore', cause: 'no-finalizer' });
    expect(server.store.get(wfRef)!.metadata.finalizers).toEqual(['example.com/keep']);
  });

  it('a Workflow deleted between the conflict and the re-read is already gone', async () => {
    server.store.put(parentWorkflowA({ deleting: false }));
    server.faults.onBeforeWrite(({ store }) => void store.mutate(wfRef, (wf) => void (wf.metadata.finalizers = ['example.com/late', GC])), { times: 1 });
    server.faults.add({
      kind: 'hook',
      match: { method: 'GET', pathRegex: `^${WORKFLOW_PATH(A.namespace, A.name)}$` },
      run: ({ store }) => {
        if (store.get(wfRef)?.metadata.finalizers?.includes('example.com/late')) store.remove(wfRef);
      },
    });
    const { port } = portOn(server);
    const result = await reconcile(port, A, opts('apply'));
    expect(result).toMatchObject({ action: 'none', outcome: 'already-gone', apiStatus: 422 });
  });

  it('a second conflict is a retryable error, and nothing is forced', async () => {
    server.store.put(parentWorkflowA({ deleting: false }));
    let n = 0;
    server.faults.onBeforeWrite(
      ({ store }) =>
        void store.mutate(wfRef, (wf) => {
          n++;
          wf.metadata.finalizers = [...Array.from({ length: n }, (_, i) => `example.com/f${i}`), GC];
        }),
      { times: 2 },
    );
    const { port } = portOn(server);
    const err = await reconcile(port, A, opts('apply')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReconcileConflictError);
    expect(isRetryable(err)).toBe(true);
    expect((err as ReconcileConflictError).outcome).toBe('conflict-twice');
    expect((err as ReconcileConflictError).result.apiStatus).toBe(422);
    expect(patches().map((r) => r.status)).toEqual([422, 422]);
    expect(server.store.get(wfRef)!.metadata.finalizers).toEqual(['example.com/f0', 'example.com/f1', GC]);
  });

  it('a Workflow that never existed is reported as already gone, without an assessment', async () => {
    const { port } = portOn(server);
    expect(await reconcile(port, { namespace: 'data', name: 'never-was' }, opts('apply'))).toEqual({
      workflow: { namespace: 'data', name: 'never-was' },
      assessment: null,
      action: 'none',
      outcome: 'already-gone',
    });
  });
});
