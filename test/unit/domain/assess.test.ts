import { describe, expect, it } from 'vitest';
import { Assessment, ARTIFACT_GC_FINALIZER, Cause } from '../../../src/domain/assessment.js';
import { assessRaw } from '../../../src/domain/snapshot.js';
import { decisionTableCases, NOW, QUIET_MS, compressNodes, etlWorkflow, nestedParent, gcPod, gcTask, minutesBefore } from '../../fixtures/workflows.js';

const run = (snapshot: Parameters<typeof assessRaw>[0], now = NOW) => assessRaw(snapshot, { now, quietPeriodMs: QUIET_MS });

describe('assess: one realistic fixture per row of the decision table', () => {
  const cases = decisionTableCases();
  it.each(cases.map((c) => [c.title, c] as const))('%s', (_title, c) => {
    const a = run(c.snapshot, c.now);
    expect(Assessment.parse(a)).toEqual(a);
    expect({ verdict: a.verdict, cause: a.cause }).toEqual({ verdict: c.expect.verdict, cause: c.expect.cause });
    if (c.expect.notifyOperator !== undefined) expect(a.notifyOperator).toBe(c.expect.notifyOperator);
    if (c.expect.pending !== undefined) expect(a.pendingArtifacts).toHaveLength(c.expect.pending);
    expect(a.patch !== undefined).toBe(a.verdict === 'remove');
    expect(a.reasons.length).toBeGreaterThan(0);
  });

  it('covers every cause code except the quiet-period waits reached only by time', () => {
    const covered = new Set(cases.map((c) => c.expect.cause));
    expect([...Cause.options].filter((c) => !covered.has(c))).toEqual([]);
  });
});

describe('assess: the contract output', () => {
  it('prints the nested parent exactly as DESIGN.md 4.2 shows it', () => {
    const a = run({ workflow: nestedParent() });
    expect(a.workflow).toEqual({ namespace: 'argo-workflows', name: 'parent-wf-7xk2p', uid: '5b0f3c1e-8d7a-4c55-9a52-2f6b1f0e9a11' });
    expect(a.reasons.slice(0, 2)).toEqual(['phase Succeeded', '0 pending artifacts']);
    expect(a.reasons).toContain('deletion requested 714d10h ago (quiet period 30m)');
    expect(a.patch).toEqual([
      { op: 'test', path: '/metadata/uid', value: '5b0f3c1e-8d7a-4c55-9a52-2f6b1f0e9a11' },
      { op: 'test', path: '/metadata/finalizers/0', value: ARTIFACT_GC_FINALIZER },
      { op: 'remove', path: '/metadata/finalizers/0' },
    ]);
  });

  it('patches only the artifact-gc index when other finalizers surround it', () => {
    const wf = nestedParent();
    wf.metadata.finalizers = ['example.com/keep-audit', ARTIFACT_GC_FINALIZER, 'foregroundDeletion'];
    expect(run({ workflow: wf }).patch).toEqual([
      { op: 'test', path: '/metadata/uid', value: wf.metadata.uid },
      { op: 'test', path: '/metadata/finalizers/1', value: ARTIFACT_GC_FINALIZER },
      { op: 'remove', path: '/metadata/finalizers/1' },
    ]);
  });

  it('lists pending artifacts with full locations, resolving key-only archived logs against the repository', () => {
    const a = run({ workflow: etlWorkflow() });
    expect(a.pendingArtifacts).toEqual([
      {
        node: 'etl-run-q8h2d',
        name: 'report',
        strategy: 'OnWorkflowDeletion',
        location: 's3://data-artifacts/etl/0f6c2a9b-51e4-4b3e-9d1a-7c2f9e8b4d21/report.csv',
        storage: { driver: 's3', endpoint: 's3.amazonaws.com', bucket: 'data-artifacts', key: 'etl/0f6c2a9b-51e4-4b3e-9d1a-7c2f9e8b4d21/report.csv' },
      },
      {
        node: 'etl-run-q8h2d',
        name: 'main-logs',
        strategy: 'OnWorkflowDeletion',
        location: 's3://data-artifacts/etl-run-q8h2d/etl-run-q8h2d/main.log',
        storage: { driver: 's3', endpoint: 's3.amazonaws.com', bucket: 'data-artifacts', key: 'etl-run-q8h2d/etl-run-q8h2d/main.log' },
      },
    ]);
  });

  it('reports evidence a human can act on: pods, task errors, the ArtifactGCError message', () => {
    const c = decisionTableCases().find((x) => x.title === 'row 11: task results Access Denied')!;
    const a = run(c.snapshot);
    expect(a.evidence.pods).toEqual([{ name: 'etl-run-q8h2d-artgc-wfdel-2166136261', phase: 'Succeeded', strategy: 'OnWorkflowDeletion', recouped: true }]);
    expect(a.evidence.tasks[0]!.errors).toEqual([
      { node: 'etl-run-q8h2d', artifact: 'report', error: 'Access Denied' },
      { node: 'etl-run-q8h2d', artifact: 'main-logs', error: 'Access Denied' },
    ]);
    expect(a.evidence.conditions).toEqual(['Access Denied (artifactGCTask: etl-run-q8h2d-artgc-wfdel-2166136261-0)']);
    expect(a.reasons.join('\n')).toContain('main-logs failed: Access Denied');
  });
});

describe('assess: hard cases', () => {
  it('takes the strategy from storedWorkflowTemplateSpec when the Workflow uses a template ref', () => {
    const wf = etlWorkflow();
    delete wf.spec.artifactGC;
    wf.status.storedWorkflowTemplateSpec = { entrypoint: 'main', artifactGC: { strategy: 'OnWorkflowCompletion' } };
    const a = run({ workflow: wf });
    expect(a.pendingArtifacts.map((p) => p.strategy)).toEqual(['OnWorkflowCompletion', 'OnWorkflowCompletion']);
    expect(a.cause).toBe('gc-never-ran');
  });

  it('prefers storedWorkflowTemplateSpec over spec, and the artifact level over both', () => {
    const wf = etlWorkflow();
    wf.status.storedWorkflowTemplateSpec = { artifactGC: { strategy: 'Never' } };
    expect(run({ workflow: wf }).pendingArtifacts).toHaveLength(0);
    wf.status.nodes['etl-run-q8h2d'].outputs.artifacts[0].artifactGC = { strategy: 'OnWorkflowDeletion' };
    expect(run({ workflow: wf }).pendingArtifacts.map((p) => p.name)).toEqual(['report']);
  });

  it('an artifact-level Never override leaves nothing pending', () => {
    const wf = etlWorkflow();
    for (const a of wf.status.nodes['etl-run-q8h2d'].outputs.artifacts) a.artifactGC = { strategy: 'Never' };
    const a = run({ workflow: wf });
    expect([a.verdict, a.cause, a.pendingArtifacts.length]).toEqual(['remove', 'no-pending-artifacts', 0]);
  });

  it('an empty strategy string means Never, as in Argo', () => {
    const wf = etlWorkflow();
    wf.spec.artifactGC.strategy = '';
    expect(run({ workflow: wf }).pendingArtifacts).toHaveLength(0);
  });

  it('counts only Pod nodes: artifacts on DAG or Steps nodes are not collected by Argo', () => {
    const wf = etlWorkflow();
    wf.status.nodes['etl-run-q8h2d'].type = 'Steps';
    expect(run({ workflow: wf }).pendingArtifacts).toHaveLength(0);
  });

  it('force does not cover OnWorkflowDeletion artifacts before deletion (argo #14372)', () => {
    const wf = etlWorkflow();
    delete wf.metadata.deletionTimestamp;
    wf.spec.artifactGC.forceFinalizerRemoval = true;
    expect(run({ workflow: wf }).cause).toBe('awaiting-deletion');
    wf.status.nodes['etl-run-q8h2d'].outputs.artifacts[0].artifactGC = { strategy: 'OnWorkflowCompletion' };
    const mixed = run({ workflow: wf });
    expect(mixed.verdict).not.toBe('remove');
    expect(mixed.reasons.join(' ')).toContain('only due at deletion');
  });

  it('reads gzip and brotli compressedNodes', () => {
    for (const codec of ['gzip', 'brotli'] as const) {
      const wf = etlWorkflow();
      wf.status.compressedNodes = compressNodes(wf.status.nodes, codec);
      delete wf.status.nodes;
      const a = run({ workflow: wf });
      expect([codec, a.cause, a.pendingArtifacts.length]).toEqual([codec, 'gc-never-ran', 2]);
    }
  });

  it('reads zstd compressedNodes where the runtime has zstd, and refuses to guess where it does not', async () => {
    const zlib = (await import('node:zlib')) as unknown as { zstdCompressSync?: (b: Buffer) => Buffer };
    const wf = etlWorkflow();
    const json = Buffer.from(JSON.stringify(wf.status.nodes));
    // A zstd frame: real when Node can make one, otherwise just the magic bytes followed by garbage.
    const frame = zlib.zstdCompressSync ? zlib.zstdCompressSync(json) : Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), json]);
    wf.status.compressedNodes = frame.toString('base64');
    delete wf.status.nodes;
    const a = run({ workflow: wf });
    if (zlib.zstdCompressSync) expect(a.cause).toBe('gc-never-ran');
    else {
      expect(a.cause).toBe('nodes-unavailable');
      expect(a.reasons.join(' ')).toContain('zstd is not supported');
    }
  });

  it('a hydrated offloaded Workflow (nodes present) is judged normally', () => {
    const wf = etlWorkflow();
    wf.status.offloadNodeStatusVersion = 'fnv:1385638402';
    expect(run({ workflow: wf }).cause).toBe('gc-never-ran');
  });

  it('a GC pod finishing recently restarts the quiet period', () => {
    const wf = etlWorkflow();
    const pod = gcPod(wf, { strategy: 'wfdel', phase: 'Failed', createdMinutesAgo: 12, finishedMinutesAgo: 10 });
    expect(run({ workflow: wf, pods: [pod] }).cause).toBe('gc-awaiting-recoup');
  });

  it('a failed task result blocks gc-succeeded-unrecouped even if another task claims success', () => {
    const wf = etlWorkflow();
    const pod = gcPod(wf, { strategy: 'wfdel', phase: 'Succeeded', createdMinutesAgo: 200, finishedMinutesAgo: 199 });
    const ok = gcTask(wf, 'wfdel', { 'etl-run-q8h2d': { report: { success: true }, 'main-logs': { success: true } } });
    const bad = { ...gcTask(wf, 'wfdel', { 'etl-run-q8h2d': { report: { success: false, error: 'Access Denied' } } }), metadata: { ...ok.metadata, name: 'other-0' } };
    expect(run({ workflow: wf, pods: [pod], tasks: [ok, bad] }).cause).toBe('gc-failed');
  });

  it('a GC that finished cleanly but left artifacts undeleted is a silent failure, never a removal', () => {
    const wf = etlWorkflow();
    const pod = gcPod(wf, { strategy: 'wfdel', phase: 'Succeeded', createdMinutesAgo: 200, finishedMinutesAgo: 199 });
    wf.status.artifactGCStatus.podsRecouped = { [pod.metadata.name]: true };
    const a = run({ workflow: wf, pods: [pod] });
    expect([a.verdict, a.cause]).toEqual(['notify', 'gc-failed']);
  });

  it('judges a nested parent on its own nodes and mentions its children', () => {
    const parent = nestedParent();
    const child = etlWorkflow();
    child.metadata.ownerReferences = [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', name: parent.metadata.name, uid: parent.metadata.uid }];
    const a = run({ workflow: parent, children: [child] });
    expect([a.verdict, a.cause]).toEqual(['remove', 'no-pending-artifacts']);
    expect(a.reasons).toContain('1 child Workflow(s) judged on their own');
  });

  it('timestamps in the future keep the Workflow waiting (clock skew never speeds up removal)', () => {
    const wf = nestedParent();
    wf.metadata.deletionTimestamp = minutesBefore(-10);
    expect(run({ workflow: wf }).verdict).toBe('wait');
  });

  it('a wait inside the quiet period says when the quiet period ends; other verdicts do not', () => {
    const wf = nestedParent();
    wf.metadata.deletionTimestamp = minutesBefore(5);
    expect(run({ workflow: wf }).quietUntil).toBe(new Date(NOW.getTime() + 25 * 60_000).toISOString());
    expect(run({ workflow: nestedParent() }).quietUntil).toBeUndefined();
  });

  it('a Workflow without uid gets a remove verdict but no patch, and says why', () => {
    const wf = nestedParent();
    delete wf.metadata.uid;
    const a = run({ workflow: wf });
    expect(a.verdict).toBe('remove');
    expect(a.patch).toBeUndefined();
    expect(a.reasons.join(' ')).toContain('no metadata.uid');
  });

  it('rejects objects that are not Workflows with a message naming the field', () => {
    expect(() => run({ workflow: { kind: 'Pod', metadata: { name: 'x' } } })).toThrow(/Workflow x is not valid at kind/);
    expect(() => run({ workflow: { kind: 'Workflow', metadata: {} } })).toThrow(/at metadata.name/);
  });
});
