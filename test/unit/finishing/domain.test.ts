import { describe, expect, it } from 'vitest';
import * as build from '../../../src/demo/builders.js';
import { allowance, concretePrefixes, isAwsS3Endpoint } from '../../../src/domain/allow-list.js';
import { planProbes, settle, taskLocations, verifiedAbsent } from '../../../src/domain/bucket-facts.js';
import { Workflow, type GcTask, type Pod } from '../../../src/domain/objects.js';
import { planDeletedMarks, planRearm, planRearmPatch } from '../../../src/domain/finishing-patches.js';
import { readRearm, REARM_ANNOTATION } from '../../../src/domain/rearm.js';
import { assertFinishingPatch, UnsafePatchError } from '../../../src/remediation/patch-guard.js';
import { applyJsonPatch } from '../../../src/local/apiserver/jsonpatch.js';

const NOW = new Date('2026-12-01T10:00:00Z');
const entries = [{ bucket: 'argo-artifacts', keyPrefixes: ['{{workflow.name}}/', 'by-uid/{{workflow.uid}}/'] }];
const wfId = { name: 'etl-1', uid: 'u-1' };
const s3 = (key: string, extra: Record<string, string> = {}) => ({ driver: 's3' as const, endpoint: 's3.amazonaws.com', bucket: 'argo-artifacts', key, ...extra });

describe('allow-list', () => {
  it('knows AWS S3 endpoints from the rest', () => {
    for (const e of [undefined, '', 's3.amazonaws.com', 's3.eu-west-1.amazonaws.com', 'https://s3.us-east-2.amazonaws.com', 's3.dualstack.ap-south-1.amazonaws.com']) expect(isAwsS3Endpoint(e)).toBe(true);
    for (const e of ['minio.argo:9000', 's3.amazonaws.com.evil.example', 'storage.googleapis.com', 'http://127.0.0.1:9000']) expect(isAwsS3Endpoint(e)).toBe(false);
  });

  it('fills in the name and the uid, and skips uid prefixes without a uid', () => {
    expect(concretePrefixes(entries[0]!, wfId)).toEqual(['etl-1/', 'by-uid/u-1/']);
    expect(concretePrefixes(entries[0]!, { name: 'etl-1' })).toEqual(['etl-1/']);
  });

  it('allows only keys strictly under the Workflow own prefix of a listed bucket on AWS', () => {
    expect(allowance(s3('etl-1/pod/out.tgz'), wfId, entries)).toMatchObject({ allowed: true, bucket: 'argo-artifacts', key: 'etl-1/pod/out.tgz', prefix: 'etl-1/' });
    expect(allowance(s3('by-uid/u-1/x'), wfId, entries)).toMatchObject({ allowed: true });
    const refused: [unknown, string][] = [
      [s3('etl-10/pod/out.tgz'), 'under no allowed prefix'],
      [s3('etl-1/'), 'under no allowed prefix'],
      [s3('other/etl-1/x'), 'under no allowed prefix'],
      [s3('etl-1/../etl-2/x'), "'.' or '..'"],
      [s3('etl-1/x', { bucket: 'other' }), 'not in finishing.buckets'],
      [s3('etl-1/x', { endpoint: 'minio:9000' }), 'not AWS S3'],
      [{ driver: 'gcs', bucket: 'argo-artifacts', key: 'etl-1/x' }, 'not S3'],
      [undefined, 'not resolved'],
    ];
    for (const [storage, reason] of refused) {
      const a = allowance(storage as never, wfId, entries);
      expect(a.allowed, JSON.stringify(storage)).toBe(false);
      expect(!a.allowed && a.reason).toContain(reason);
    }
  });
});

describe('bucket facts', () => {
  const pending = [
    { node: 'n', name: 'file', strategy: 'OnWorkflowCompletion', storage: s3('etl-1/n/file.tgz') },
    { node: 'n', name: 'dir', strategy: 'OnWorkflowCompletion', storage: s3('etl-1/n/dir/') },
    { node: 'n', name: 'retry', strategy: 'OnWorkflowCompletion', neverUploaded: true },
    { node: 'n', name: 'elsewhere', strategy: 'OnWorkflowCompletion', storage: s3('x', { bucket: 'nope' }) },
  ];

  it('heads a key and lists key/, lists a prefix key, settles never-uploaded and not-allowed without a request', () => {
    const plans = planProbes(pending, wfId, entries);
    expect(plans.map((p) => [p.name, p.head, p.list, p.settled?.result])).toEqual([
      ['file', 'etl-1/n/file.tgz', ['etl-1/n/file.tgz/'], undefined],
      ['dir', undefined, ['etl-1/n/dir/'], undefined],
      ['retry', undefined, [], 'never-uploaded'],
      ['elsewhere', undefined, [], 'not-allowed'],
    ]);
  });

  it('is absent only when every probe proved absence; unknown wins over present', () => {
    const [plan] = planProbes(pending.slice(0, 1), wfId, entries);
    const absent = { call: 'HeadObject' as const, bucket: 'argo-artifacts', target: 'k', state: 'absent' as const, detail: 'HeadObject 404' };
    const present = { ...absent, call: 'ListObjectsV2' as const, state: 'present' as const, objects: [{ key: 'k/a', size: 1 }] };
    const unknown = { ...absent, state: 'unknown' as const, detail: '403' };
    expect(settle(plan!, [absent, { ...absent, call: 'ListObjectsV2' }]).result).toBe('absent');
    expect(settle(plan!, [absent, present]).result).toBe('present');
    expect(settle(plan!, [unknown, present]).result).toBe('unknown');
  });

  it('row 11 needs a fact for every pending artifact', () => {
    const facts = { checkedAt: NOW.toISOString(), artifacts: [{ node: 'n', name: 'a', result: 'absent' as const, probes: [] }, { node: 'n', name: 'b', result: 'never-uploaded' as const, probes: [] }] };
    expect(verifiedAbsent([{ node: 'n', name: 'a' }, { node: 'n', name: 'b' }], facts)).toBe(true);
    expect(verifiedAbsent([{ node: 'n', name: 'a' }, { node: 'n', name: 'c' }], facts)).toBe(false);
    expect(verifiedAbsent([], facts)).toBe(false);
    expect(verifiedAbsent([{ node: 'n', name: 'a' }], undefined)).toBe(false);
  });

  it('cross-checks the GC task: where Argo would delete elsewhere, it is location-mismatch and nothing is asked', () => {
    const task = {
      metadata: { name: 'etl-1-artgc-wfcomp-2166136261-0' },
      spec: {
        artifactsByNode: {
          n: {
            archiveLocation: { s3: { endpoint: 's3.amazonaws.com', bucket: 'legacy-bucket' } },
            artifacts: { file: { name: 'file', s3: { key: 'etl-1/n/file.tgz' } }, dir: { name: 'dir', s3: { endpoint: 's3.amazonaws.com', bucket: 'argo-artifacts', key: 'etl-1/n/dir/' } } },
          },
        },
      },
    };
    const byTask = taskLocations([task]);
    const plans = planProbes(pending.slice(0, 2), wfId, entries, byTask);
    expect(plans[0]!.settled?.result).toBe('location-mismatch');
    expect(plans[0]!.settled?.reason).toContain('s3://legacy-bucket/etl-1/n/file.tgz');
    expect(plans[1]!.settled).toBeUndefined();
  });
});

describe('re-arm planning', () => {
  const wfObj = build.workflow({ name: 'etl-1', namespace: 'argo', uid: 'u-1', now: NOW, finishedMinutesAgo: 90, strategy: 'OnWorkflowCompletion', artifacts: [{ name: 'out', key: 'etl-1/out.tgz' }], strategiesProcessed: ['OnWorkflowCompletion'], podsRecouped: ['etl-1-artgc-wfcomp-2166136261'] });
  wfObj.metadata.resourceVersion = '41';
  const wf = Workflow.parse(wfObj);
  const pod = build.gcPod(wfObj, { strategy: 'wfcomp', phase: 'Failed', now: NOW, createdMinutesAgo: 80, finishedMinutesAgo: 79 }) as Pod;
  const task = build.gcTask(wfObj, 'wfcomp') as GcTask;
  const other = build.gcTask(wfObj, 'wfdel') as GcTask;

  it('picks the strategy own tasks, pods and status entries', () => {
    const plan = planRearm(wf, [pod], [task, other], ['OnWorkflowCompletion']);
    expect(plan).toEqual({
      strategies: ['OnWorkflowCompletion'],
      tasks: [{ name: 'etl-1-artgc-wfcomp-2166136261-0', uid: undefined }],
      pods: ['etl-1-artgc-wfcomp-2166136261'],
      recouped: ['etl-1-artgc-wfcomp-2166136261'],
      processed: ['OnWorkflowCompletion'],
    });
  });

  it('plans one guarded patch that the API server applies, and that fails on any concurrent change', () => {
    const plan = planRearm(wf, [pod], [task], ['OnWorkflowCompletion']);
    const patch = planRearmPatch(wf, plan, NOW)!;
    expect(patch.slice(0, 4)).toEqual([
      { op: 'test', path: '/metadata/uid', value: 'u-1' },
      { op: 'test', path: '/metadata/resourceVersion', value: '41' },
      { op: 'test', path: '/status/artifactGCStatus/strategiesProcessed/OnWorkflowCompletion', value: true },
      { op: 'test', path: '/status/artifactGCStatus/podsRecouped/etl-1-artgc-wfcomp-2166136261', value: true },
    ]);
    const after = applyJsonPatch(structuredClone(wfObj), patch as never);
    expect(after.status.artifactGCStatus).toEqual({ strategiesProcessed: {}, podsRecouped: {} });
    // The counter assess reads (src/domain/rearm.ts): gc-rearmed within the quiet period, gc-rearm-failed past maxAttempts.
    expect(readRearm(after.metadata.annotations)).toEqual({ count: 1, at: NOW.toISOString() });
    // A second attempt replaces the annotation under a test of its old value.
    const again = Workflow.parse({ ...after, metadata: { ...after.metadata, resourceVersion: '42' } });
    const second = planRearmPatch(again, planRearm(again, [], [], ['OnWorkflowCompletion']), new Date(NOW.getTime() + 60_000))!;
    expect(second).toContainEqual({ op: 'test', path: `/metadata/annotations/${REARM_ANNOTATION.replace('/', '~1')}`, value: after.metadata.annotations[REARM_ANNOTATION] });
    expect(readRearm(applyJsonPatch(structuredClone(again), second as never).metadata.annotations)?.count).toBe(2);
    const changed = structuredClone(wfObj);
    changed.metadata.resourceVersion = '99';
    expect(() => applyJsonPatch(changed, patch as never)).toThrow();
  });

  it('reads an unreadable annotation as no attempt', () => {
    const unreadable = ['x', '', 'null', '[]', '1', '{"count":0,"at":"2026-01-01T00:00:00Z"}', '{"count":1,"at":"never"}', '{"count":1.5,"at":"2026-01-01T00:00:00Z"}', '{"count":"1","at":"2026-01-01T00:00:00Z"}', '{"count":1,"at":12345}', '{"count":1}'];
    for (const v of unreadable) expect(readRearm({ [REARM_ANNOTATION]: v }), v).toBeUndefined();
    expect(readRearm(undefined)).toBeUndefined();
    expect(readRearm(null)).toBeUndefined();
    expect(readRearm({ other: '{"count":1,"at":"2026-01-01T00:00:00Z"}' })).toBeUndefined();
    expect(readRearm({ [REARM_ANNOTATION]: '{"count":1,"at":"2026-01-01T00:00:00Z"}' })).toEqual({ count: 1, at: '2026-01-01T00:00:00Z' });
    expect(readRearm({ [REARM_ANNOTATION]: '{"at":"2026-01-01T00:00:00Z","count":3,"by":"x"}' })).toEqual({ count: 3, at: '2026-01-01T00:00:00Z' });
  });

  it('refuses a finishing patch without the pin every patch starts with (assertPinned)', () => {
    const patch = planRearmPatch(wf, planRearm(wf, [pod], [task], ['OnWorkflowCompletion']), NOW)!;
    expect(() => assertFinishingPatch(patch, 'u-1')).not.toThrow();
    expect(() => assertFinishingPatch(patch.slice(1), 'u-1')).toThrow(UnsafePatchError);
    expect(() => assertFinishingPatch([patch[0]!, ...patch.slice(2)], 'u-1')).toThrow('no test on /metadata/resourceVersion after the uid');
    expect(() => assertFinishingPatch(patch, 'another-uid')).toThrow('the uid test does not match');
    expect(planRearmPatch(Workflow.parse({ ...wfObj, metadata: { ...wfObj.metadata, resourceVersion: undefined } }), planRearm(wf, [], [], ['OnWorkflowCompletion']), NOW)).toBeUndefined();
  });

  it('marks each artifact deleted under a test of its name', () => {
    const patch = planDeletedMarks(wf, [{ node: 'etl-1', name: 'out' }])!;
    expect(patch).toEqual([
      { op: 'test', path: '/metadata/uid', value: 'u-1' },
      { op: 'test', path: '/metadata/resourceVersion', value: '41' },
      { op: 'test', path: '/status/nodes/etl-1/outputs/artifacts/0/name', value: 'out' },
      { op: 'add', path: '/status/nodes/etl-1/outputs/artifacts/0/deleted', value: true },
    ]);
    const after = applyJsonPatch(structuredClone(wfObj), patch as never);
    expect(after.status.nodes['etl-1'].outputs.artifacts[0].deleted).toBe(true);
    expect(planDeletedMarks(wf, [{ node: 'etl-1', name: 'missing' }])).toBeUndefined();
  });
});
