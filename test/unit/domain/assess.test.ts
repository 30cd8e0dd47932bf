import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Assessment, ARTIFACT_GC_FINALIZER, Cause } from '../../../src/domain/assessment.js';
import { assessRaw } from '../../../src/domain/snapshot.js';
import { decisionTableCases, NOW, QUIET_MS, compressNodes, etlWorkflow, nestedParent, gcPod, gcTask, minutesBefore } from '../../fixtures/workflows.js';

const run = (snapshot: Parameters<typeof assessRaw>[0], now = NOW) => assessRaw(snapshot, { now, quietPeriodMs: QUIET_MS });

describe('assess: one realistic fixture per row of the decision table', () => {
  const cases = decisionTableCases();
  // What a human reads in Slack and the audit record: the fact each row was decided on, in its reasons.
  const READING = 'no argoVersion in the config: strategiesProcessed means';
  it.each([
    ['row 4: offloaded nodes, not hydrated', ['node status is offloaded']],
    ['row 5: mixed strategies, not being deleted', ['all pending artifacts are OnWorkflowDeletion and the Workflow is not being deleted']],
    ['row 6: GC pod running (example c)', ['GC pod nightly-report-5jz7c-artgc-wfdel-2166136261 still Running']],
    ['row 6: GC pod finished, not yet recouped', ['GC pod nightly-report-5jz7c-artgc-wfdel-2166136261 finished, not yet recouped by the controller']],
    ['row 6: re-armed 3m ago', ['re-arm #1 at 2026-08-20T11:57:00Z (annotation argo-finalizer-remediator/rearm)']],
    ['row 6: deletion 2m ago, OnWorkflowDeletion not started', ['strategy OnWorkflowDeletion due but not yet started', READING]],
    ['row 9: unrecouped GC pod whose task succeeded', ['task results show every pending artifact deleted, but no GC pod was recouped']],
    ['row 14: task without a GC pod (processed)', ['exists, but no GC pod was ever created or recouped for it', READING]],
    ['row 15: processed, no pod and no task', ['marked processed, but no GC pod or task exists for it', READING]],
    ['row 16: due strategy never processed', ['strategy OnWorkflowDeletion due but never started', READING]],
  ] as const)('%s says why in its reasons', (title, said) => {
    const c = cases.find((x) => x.title === title)!;
    const reasons = run(c.snapshot, c.now).reasons;
    for (const text of said) expect(reasons.some((r) => r.includes(text)), `${text} in ${JSON.stringify(reasons)}`).toBe(true);
  });

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
  it('prints the nested parent exactly as README "The decision, in plain words" shows it', () => {
    const a = run({ workflow: nestedParent() });
    expect(a.workflow).toEqual({ namespace: 'argo-workflows', name: 'parent-wf-7xk2p', uid: '5b0f3c1e-8d7a-4c55-9a52-2f6b1f0e9a11' });
    expect(a.reasons.slice(0, 2)).toEqual(['phase Succeeded', '0 pending artifacts']);
    expect(a.reasons).toContain('deletion requested 714d10h ago (quiet period 30m)');
    expect(a.patch).toEqual([
      { op: 'test', path: '/metadata/uid', value: '5b0f3c1e-8d7a-4c55-9a52-2f6b1f0e9a11' },
      { op: 'test', path: '/metadata/resourceVersion', value: '88230412' },
      { op: 'test', path: '/metadata/finalizers/0', value: ARTIFACT_GC_FINALIZER },
      { op: 'remove', path: '/metadata/finalizers/0' },
    ]);
  });

  it('patches only the artifact-gc index when other finalizers surround it', () => {
    const wf = nestedParent();
    wf.metadata.finalizers = ['example.com/keep-audit', ARTIFACT_GC_FINALIZER, 'foregroundDeletion'];
    expect(run({ workflow: wf }).patch).toEqual([
      { op: 'test', path: '/metadata/uid', value: wf.metadata.uid },
      { op: 'test', path: '/metadata/resourceVersion', value: wf.metadata.resourceVersion },
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
    const c = decisionTableCases().find((x) => x.title === 'row 13: task results Access Denied')!;
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

  it('a finished Workflow not being deleted, with nothing pending, is a removal (row 7), not awaiting deletion', () => {
    const wf = etlWorkflow();
    delete wf.metadata.deletionTimestamp;
    for (const a of wf.status.nodes['etl-run-q8h2d'].outputs.artifacts) a.deleted = true;
    const a = run({ workflow: wf });
    expect([a.verdict, a.cause, a.pendingArtifacts]).toEqual(['remove', 'no-pending-artifacts', []]);
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
    // Without force, nothing is said about it.
    delete wf.spec.artifactGC.forceFinalizerRemoval;
    expect(run({ workflow: wf }).reasons.filter((r) => r.includes('forceFinalizerRemoval'))).toEqual([]);
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

  it('a GC pod finishing recently restarts the quiet period, though it was created long before', () => {
    const wf = etlWorkflow();
    // Created outside the quiet period: only its finish can put the Workflow back inside.
    const pod = gcPod(wf, { strategy: 'wfdel', phase: 'Failed', createdMinutesAgo: 200, finishedMinutesAgo: 10 });
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
    expect(run({ workflow: parent }).reasons.filter((r) => r.includes('child Workflow'))).toEqual([]);
  });

  it('timestamps in the future keep the Workflow waiting (clock skew never speeds up removal)', () => {
    const wf = nestedParent();
    wf.metadata.deletionTimestamp = minutesBefore(-10);
    const a = run({ workflow: wf });
    expect(a.verdict).toBe('wait');
    expect(a.reasons).toContain('deletion requested in the future, 10m ahead of now (quiet period 30m)');
    wf.metadata.deletionTimestamp = NOW.toISOString();
    expect(run({ workflow: wf }).reasons).toContain('deletion requested 0ms ago (quiet period 30m)');
  });

  it('without any timestamp, says the quiet period is treated as over', () => {
    const wf = etlWorkflow();
    delete wf.metadata.deletionTimestamp;
    delete wf.status.finishedAt;
    wf.status.nodes['etl-run-q8h2d'].outputs.artifacts[0].artifactGC = { strategy: 'OnWorkflowCompletion' };
    expect(run({ workflow: wf }).reasons).toContain('no finish, deletion or GC timestamps (quiet period 30m treated as over)');
  });

  it('names the deletion request once: as the anchor when it is the latest, else with its own time', () => {
    const said = (a: { reasons: string[] }) => a.reasons.filter((r) => r.startsWith('deletion requested'));
    const wf = etlWorkflow();
    expect(said(run({ workflow: wf }))).toEqual(['deletion requested 2d3h ago (quiet period 30m)']);
    const pod = gcPod(wf, { strategy: 'wfdel', phase: 'Failed', createdMinutesAgo: 200, finishedMinutesAgo: 10 });
    expect(said(run({ workflow: wf, pods: [pod] }))).toEqual([`deletion requested at ${wf.metadata.deletionTimestamp}`]);
    delete wf.metadata.deletionTimestamp;
    expect(said(run({ workflow: wf, pods: [pod] }))).toEqual([]);
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

  it('the assessment carries the optional fields it has, in the schema\'s order, and no empty ones (audit records serialise it)', () => {
    const running = nestedParent();
    running.status.phase = 'Running';
    delete running.metadata.uid;
    delete running.metadata.resourceVersion;
    delete running.metadata.namespace;
    const wait = run({ workflow: running });
    expect(wait.workflow).toStrictEqual({ namespace: 'default', name: 'parent-wf-7xk2p' });
    expect(Object.keys(wait)).toEqual(['workflow', 'verdict', 'cause', 'reasons', 'pendingArtifacts', 'suspectedDirectoryOrphans', 'notifyOperator', 'evidence']);
    expect(Object.keys(run({ workflow: nestedParent() }))).toEqual(['workflow', 'resourceVersion', 'verdict', 'cause', 'reasons', 'pendingArtifacts', 'suspectedDirectoryOrphans', 'notifyOperator', 'patch', 'evidence']);
    const quiet = nestedParent();
    quiet.metadata.deletionTimestamp = minutesBefore(5);
    expect(Object.keys(run({ workflow: quiet }))).toEqual(['workflow', 'resourceVersion', 'verdict', 'cause', 'reasons', 'pendingArtifacts', 'suspectedDirectoryOrphans', 'notifyOperator', 'quietUntil', 'evidence']);
  });

  it('rejects objects that are not Workflows with a message naming the field', () => {
    expect(() => run({ workflow: { kind: 'Pod', metadata: { name: 'x' } } })).toThrow(/Workflow x is not valid at kind/);
    expect(() => run({ workflow: { kind: 'Workflow', metadata: {} } })).toThrow(/at metadata.name/);
  });
});

describe('assess: the refined rows in detail', () => {
  const byTitle = (t: string) => decisionTableCases().find((c) => c.title === t)!;
  const REARM = 'argo-finalizer-remediator/rearm';

  it('says which reading of strategiesProcessed it used, from the configured argoVersion (argo #16897)', () => {
    const c = byTitle('row 15: processed, no pod and no task');
    const at = (argoVersion?: string) => assessRaw(c.snapshot, { now: NOW, quietPeriodMs: QUIET_MS, argoVersion });
    expect(at().reasons.join('\n')).toContain('no argoVersion in the config');
    expect(at().evidence.processedReading).toBe('unknown');
    expect(at('v3.7.18').reasons.join('\n')).toContain('argoVersion v3.7.18 (config): strategiesProcessed read as "GC was attempted"');
    expect(at('v4.1.3').evidence).toMatchObject({ argoVersion: 'v4.1.3', processedReading: 'created' });
    expect(at('v4.0.10').evidence.processedReading).toBe('attempted');
    expect(new Set([at(), at('v3.7.18'), at('v4.1.3')].map((a) => `${a.verdict}/${a.cause}`))).toEqual(new Set(['notify/gc-never-ran']));
  });

  it('after the re-arm cap, says gc-rearm-failed and keeps the row cause in reasons and evidence', () => {
    const a = run(byTitle('after row 15: re-arms exhausted').snapshot);
    expect(a).toMatchObject({ verdict: 'notify', cause: 'gc-rearm-failed', evidence: { rowCause: 'gc-never-ran', rearm: { count: 2 } } });
    expect(a.reasons.join('\n')).toContain("the row's cause was gc-never-ran");
  });

  it('below the cap, keeps the row cause and says which attempt failed; the cap comes from the options', () => {
    const wf = etlWorkflow();
    wf.metadata.annotations = { [REARM]: JSON.stringify({ count: 1, at: minutesBefore(120) }) };
    const a = run({ workflow: wf });
    expect(a.cause).toBe('gc-never-ran');
    expect(a.reasons).toContain(`re-arm attempt 1 of 2 (at ${minutesBefore(120)}) did not finish GC`);
    expect(assessRaw({ workflow: wf }, { now: NOW, quietPeriodMs: QUIET_MS, rearmMaxAttempts: 1 }).cause).toBe('gc-rearm-failed');
  });

  it('reads a malformed re-arm annotation as no re-arm at all', () => {
    for (const value of ['2', '{"count":"2","at":"x"}', '{"count":0,"at":"2026-08-20T10:00:00Z"}', 'not json']) {
      const wf = etlWorkflow();
      wf.metadata.annotations = { [REARM]: value };
      const a = run({ workflow: wf });
      expect([a.cause, a.evidence.rearm]).toEqual(['gc-never-ran', undefined]);
    }
  });

  it('does not replace rows 1-7 or a removal with gc-rearm-failed', () => {
    const wf = etlWorkflow();
    wf.metadata.annotations = { [REARM]: JSON.stringify({ count: 5, at: minutesBefore(120) }) };
    wf.spec.artifactGC.forceFinalizerRemoval = true;
    expect(run({ workflow: wf }).cause).toBe('force-removal-declared');
    const offloaded = etlWorkflow();
    offloaded.metadata.annotations = { [REARM]: JSON.stringify({ count: 5, at: minutesBefore(120) }) };
    offloaded.status.nodes = {};
    offloaded.status.offloadNodeStatusVersion = 'fnv:1';
    expect(run({ workflow: offloaded }).cause).toBe('nodes-unavailable');
  });

  it('lists a never-uploaded artifact with neverUploaded and no location (argo #13161)', () => {
    const a = run(byTitle('row 11: one never uploaded, the other verified absent').snapshot);
    expect(a.pendingArtifacts.find((p) => p.name === 'report')).toEqual({ node: 'etl-run-q8h2d', name: 'report', strategy: 'OnWorkflowDeletion', neverUploaded: true });
  });

  it('row 11 says how many artifacts verify found absent and how many were never uploaded', () => {
    const reason = (t: string) => run(byTitle(t).snapshot).reasons.filter((r) => r.startsWith('verified absent'));
    expect(reason('row 11: both artifacts verified absent')).toEqual(['verified absent in their buckets: 2 artifact(s)']);
    expect(reason('row 11: one never uploaded, the other verified absent')).toEqual(['verified absent in their buckets: 1 artifact(s); never uploaded: 1']);
  });

  it('without bucket facts, never-uploaded artifacts alone do not make row 11', () => {
    const wf = etlWorkflow();
    wf.status.nodes['etl-run-q8h2d'].outputs.artifacts = [{ name: 'report', path: '/tmp/report.csv' }];
    expect(run({ workflow: wf }).cause).toBe('gc-never-ran');
    expect(run({ workflow: wf, bucketFacts: [] }).cause).toBe('artifacts-verified-absent');
  });

  it('row 12 names each undeletable driver once, sorted, and at most five delete-not-supported task errors', () => {
    const wf = etlWorkflow();
    const [report, logs] = wf.status.nodes['etl-run-q8h2d'].outputs.artifacts;
    delete report.s3;
    report.http = { url: 'https://files.example.com/etl/report.csv' };
    delete logs.s3;
    logs.git = { repo: 'https://github.com/o/r.git' };
    const drivers = run({ workflow: wf });
    expect([drivers.cause, drivers.reasons.filter((r) => r.includes('which Argo cannot delete'))]).toEqual(['gc-unsupported-driver', ['2 pending artifact(s) stored with git, http, which Argo cannot delete']]);
    // Errors only (the artifacts are on S3): no driver sentence, and five of the six errors.
    const errors = Object.fromEntries([1, 2, 3, 4, 5, 6].map((i) => [`part-${i}`, { success: false, error: 'delete not supported for this artifact storage' }]));
    const pod = gcPod(etlWorkflow(), { strategy: 'wfdel', phase: 'Failed', createdMinutesAgo: 200, finishedMinutesAgo: 199 });
    const a = run({ workflow: etlWorkflow(), pods: [pod], tasks: [gcTask(etlWorkflow(), 'wfdel', { 'etl-run-q8h2d': errors })] });
    expect(a.cause).toBe('gc-unsupported-driver');
    expect(a.reasons.filter((r) => r.includes('which Argo cannot delete'))).toEqual([]);
    expect(a.reasons.filter((r) => r.startsWith('task ')).map((r) => r.split(': ')[1])).toEqual(['etl-run-q8h2d/part-1', 'etl-run-q8h2d/part-2', 'etl-run-q8h2d/part-3', 'etl-run-q8h2d/part-4', 'etl-run-q8h2d/part-5']);
  });

  it('row 13 lists five failure signals and counts the rest', () => {
    const failing = (n: number) => {
      const results = Object.fromEntries(Array.from({ length: n }, (_, i) => [`part-${i + 1}`, { success: false, error: 'Access Denied' }]));
      const wf = etlWorkflow();
      wf.status.artifactGCStatus.podsRecouped = { [`${wf.metadata.name}-artgc-wfdel-2166136261`]: true };
      const a = run({ workflow: wf, tasks: [gcTask(wf, 'wfdel', { 'etl-run-q8h2d': results })] });
      expect(a.cause).toBe('gc-failed');
      return a.reasons.filter((r) => r.startsWith('task ') || r.startsWith('…and'));
    };
    expect(failing(5)).toHaveLength(5);
    const seven = failing(7);
    expect([seven.length, seven.at(-2), seven.at(-1)]).toEqual([6, expect.stringContaining('etl-run-q8h2d/part-5 failed'), '…and 2 more failure signals']);
  });

  it('row 14 names the task of the strategy whose pod is missing, not the tasks of the others', () => {
    const wf = etlWorkflow(); // only OnWorkflowDeletion is due
    const comp = gcPod(wf, { strategy: 'wfcomp', phase: 'Succeeded', createdMinutesAgo: 3000, finishedMinutesAgo: 2999 });
    const unnamed = { ...gcTask(wf, 'wfdel'), metadata: { ...gcTask(wf, 'wfdel').metadata, name: 'etl-run-q8h2d-a-custom-task' } };
    const a = run({ workflow: wf, pods: [comp], tasks: [gcTask(wf, 'wfcomp'), unnamed, gcTask(wf, 'wfdel')] });
    expect(a.cause).toBe('gc-pod-missing');
    expect(a.reasons).toContain('strategy OnWorkflowDeletion: task etl-run-q8h2d-artgc-wfdel-2166136261-0 exists, but no GC pod was ever created or recouped for it');
  });

  it('says the strategies due in order, and how many artifacts are pending of each', () => {
    const wf = etlWorkflow();
    wf.status.nodes['etl-run-q8h2d'].outputs.artifacts[1].artifactGC = { strategy: 'OnWorkflowCompletion' };
    wf.status.artifactGCStatus = {};
    const a = run({ workflow: wf });
    expect(a.cause).toBe('controller-not-reconciling');
    expect(a.reasons).toContain('2 pending artifacts (1 OnWorkflowDeletion, 1 OnWorkflowCompletion)');
    expect(a.reasons).toContain('strategy OnWorkflowCompletion, OnWorkflowDeletion due but never started');
    wf.status.nodes['etl-run-q8h2d'].outputs.artifacts[1].deleted = true;
    expect(run({ workflow: wf }).reasons).toContain('1 pending artifact (1 OnWorkflowDeletion)');
  });

  it('inside the quiet period, a GC pod the controller already recouped is not waited for', () => {
    const wf = etlWorkflow();
    const pod = gcPod(wf, { strategy: 'wfdel', phase: 'Succeeded', createdMinutesAgo: 20, finishedMinutesAgo: 10 });
    wf.status.artifactGCStatus.podsRecouped = { [pod.metadata.name]: true };
    expect(run({ workflow: wf, pods: [pod] })).toMatchObject({ verdict: 'wait', cause: 'quiet-period' });
    wf.status.artifactGCStatus.podsRecouped = {};
    expect(run({ workflow: wf, pods: [pod] })).toMatchObject({ verdict: 'wait', cause: 'gc-awaiting-recoup' });
  });

  it('gc-pod-missing and gc-never-ran both say which reading they used; a task error names the driver limit', () => {
    expect(run(byTitle('row 14: task without a GC pod (processed)').snapshot).reasons.join('\n')).toMatch(/task etl-run-q8h2d-artgc-wfdel-\d+-0 exists, but no GC pod/);
    expect(run(byTitle('row 12: a task error says delete not supported').snapshot).reasons.join('\n')).toContain('delete not supported for this artifact storage');
    expect(run(byTitle('row 12: an http artifact').snapshot).reasons.join('\n')).toContain('1 pending artifact(s) stored with http, which Argo cannot delete');
    expect(run(byTitle('row 17: pod recouped and gone, artifacts not marked deleted').snapshot).reasons.join('\n')).toContain('GC reported no error');
  });
});

describe("assess on artifact_gc_test.go's Workflow (test/fixtures/workflows/argo-artgc-workflow.json)", () => {
  const upstream = () => JSON.parse(readFileSync(new URL('../../fixtures/workflows/argo-artgc-workflow.json', import.meta.url), 'utf8'));
  const task = () => JSON.parse(readFileSync(new URL('../../fixtures/workflows/argo-artgc-task.json', import.meta.url), 'utf8'));
  const later = new Date('2022-08-02T00:30:00Z');

  it('as upstream has it (no artifactGCStatus, finished 2h before): the completion strategy never started', () => {
    const a = run({ workflow: upstream() }, later);
    expect([a.verdict, a.cause]).toEqual(['notify', 'controller-not-reconciling']);
    expect(a.pendingArtifacts.map((p) => [p.name, p.storage?.bucket])).toEqual([
      ['on-deletion', 'my-bucket-3'],
      ['second-on-completion', 'my-bucket-3'],
      ['first-on-completion-1', 'my-bucket-2'],
      ['first-on-completion-2', 'my-bucket-3'],
    ]);
  });

  it('with its task (artgcTask: one success, one "something went wrong"): gc-failed, as processCompletedWorkflowArtifactGCTask records', () => {
    const wf = upstream();
    wf.status.artifactGCStatus = { strategiesProcessed: { OnWorkflowCompletion: true } };
    const a = run({ workflow: wf, tasks: [task()] }, later);
    expect([a.verdict, a.cause]).toEqual(['notify', 'gc-failed']);
    expect(a.reasons.join('\n')).toContain('first-on-completion-2 failed: something went wrong');
  });

  it('strategy processed and the GC pods of the test created but gone: the pods are missing for the task', () => {
    const wf = upstream();
    wf.status.artifactGCStatus = { strategiesProcessed: { OnWorkflowCompletion: true } };
    const t = task();
    delete t.status;
    expect(run({ workflow: wf, tasks: [t] }, later).cause).toBe('gc-pod-missing');
  });
});
