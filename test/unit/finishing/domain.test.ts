import { describe, expect, it } from 'vitest';
import * as build from '../../../src/demo/builders.js';
import { allowance, concretePrefixes, isAwsS3Endpoint, regionOfEndpoint } from '../../../src/domain/allow-list.js';
import { planProbes, presentObjects, settle, taskLocations, verifiedAbsent } from '../../../src/domain/bucket-facts.js';
import { Workflow, type GcTask, type Pod } from '../../../src/domain/objects.js';
import { planDeletedMarks, planRearm, planRearmPatch, pointerSegment } from '../../../src/domain/finishing-patches.js';
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

  it('reads the host of an endpoint however it is written', () => {
    for (const e of ['http://s3.amazonaws.com', 'https://s3.amazonaws.com/', 'S3.AMAZONAWS.COM', 's3.amazonaws.com:443', 'https://s3-us-west-2.amazonaws.com/bucket', 's3-dualstack.eu-central-1.amazonaws.com', 's3.us-gov-west-1.amazonaws.com']) {
      expect(isAwsS3Endpoint(e), e).toBe(true);
    }
    // The scheme and the port are taken off only where they stand: text that merely contains them is no AWS host.
    for (const e of ['shttps://3.amazonaws.com', 's3:443.amazonaws.com', 's3.amazonaws.com:9000', 'ftp://s3.amazonaws.com', 's3.us-east-2.amazonaws.com.cn', 'xs3.eu-west-1.amazonaws.com', 's3.eu-west.amazonaws.com', 's3.e-west-1.amazonaws.com', 's3.eu-west-12.amazonaws.com', 's3.eu-west-x.amazonaws.com', 'evil.example/s3.amazonaws.com', 'minio.s3.amazonaws.com']) {
      expect(isAwsS3Endpoint(e), e).toBe(false);
    }
  });

  it('takes the region from a regional endpoint, in lower case, and none from a global one', () => {
    expect(regionOfEndpoint('s3.eu-west-1.amazonaws.com')).toBe('eu-west-1');
    expect(regionOfEndpoint('https://S3.US-EAST-2.amazonaws.com')).toBe('us-east-2');
    expect(regionOfEndpoint('s3-dualstack.ap-south-1.amazonaws.com')).toBe('ap-south-1');
    expect(regionOfEndpoint('http://s3.eu-north-1.amazonaws.com')).toBe('eu-north-1');
    expect(regionOfEndpoint('s3.us-gov-west-1.amazonaws.com')).toBe('us-gov-west-1');
    expect(regionOfEndpoint('s3.amazonaws.com')).toBeUndefined();
    expect(regionOfEndpoint(undefined)).toBeUndefined();
    expect(regionOfEndpoint('minio.example/s3.eu-west-1.amazonaws.com')).toBeUndefined();
  });

  it('keeps only prefixes that end at a segment boundary with no empty, . or .. segment once filled in', () => {
    const entry = (keyPrefixes: string[]) => ({ bucket: 'b', keyPrefixes });
    expect(concretePrefixes(entry(['{{workflow.name}}', 'runs/{{workflow.name}}/', '{{workflow.uid}}/{{workflow.name}}/']), wfId)).toEqual(['runs/etl-1/', 'u-1/etl-1/']);
    expect(concretePrefixes(entry(['/', '//', 'a//{{workflow.name}}/', './{{workflow.name}}/', '../{{workflow.name}}/', '{{workflow.name}}/./']), wfId)).toEqual([]);
    expect(concretePrefixes(entry(['by-uid/{{workflow.uid}}/']), { name: 'etl-1', uid: '' })).toEqual([]);
    expect(concretePrefixes(entry(['{{workflow.name}}/{{workflow.name}}/']), { name: 'etl-1' })).toEqual(['etl-1/etl-1/']);
  });

  it('says what is missing, and reads the key without its leading slashes', () => {
    const refused: [unknown, string][] = [
      [{ driver: 's3', endpoint: 's3.amazonaws.com', key: 'etl-1/x' }, 'no bucket'],
      [{ driver: 's3', bucket: 'argo-artifacts', key: '' }, 'no key'],
      [s3('etl-1/./x'), "key etl-1/./x holds '.' or '..' segments"],
      [s3('etl-1'), 'key etl-1 is under no allowed prefix of bucket argo-artifacts for this Workflow'],
    ];
    for (const [storage, reason] of refused) expect(allowance(storage as never, wfId, entries)).toEqual({ allowed: false, reason });
    expect(allowance(s3('//etl-1/x'), wfId, entries)).toEqual({ allowed: true, bucket: 'argo-artifacts', key: 'etl-1/x', region: undefined, prefix: 'etl-1/' });
    expect(allowance(s3('by-uid/u-1/x'), { name: 'etl-1' }, entries)).toMatchObject({ allowed: false });
  });

  it('takes the region from the allow-list first, then the location, then its endpoint', () => {
    const regional = [{ bucket: 'argo-artifacts', region: 'eu-west-1', keyPrefixes: ['{{workflow.name}}/'] }];
    const at = (storage: object, list = entries) => { const a = allowance(storage as never, wfId, list); return a.allowed ? a.region : a.reason; };
    expect(at(s3('etl-1/x', { region: 'us-east-2', endpoint: 's3.ap-south-1.amazonaws.com' }), regional)).toBe('eu-west-1');
    expect(at(s3('etl-1/x', { region: 'us-east-2', endpoint: 's3.ap-south-1.amazonaws.com' }))).toBe('us-east-2');
    expect(at(s3('etl-1/x', { endpoint: 's3.ap-south-1.amazonaws.com' }))).toBe('ap-south-1');
    expect(at({ driver: 's3', bucket: 'argo-artifacts', key: 'etl-1/x' })).toBeUndefined();
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

  it('plans exactly what to ask: the allowed bucket, its region, the key; nothing to ask for what is settled', () => {
    const regional = [{ bucket: 'argo-artifacts', region: 'eu-west-1', keyPrefixes: ['{{workflow.name}}/'] }];
    expect(planProbes(pending, wfId, regional)).toEqual([
      { node: 'n', name: 'file', bucket: 'argo-artifacts', region: 'eu-west-1', key: 'etl-1/n/file.tgz', head: 'etl-1/n/file.tgz', list: ['etl-1/n/file.tgz/'] },
      { node: 'n', name: 'dir', bucket: 'argo-artifacts', region: 'eu-west-1', key: 'etl-1/n/dir/', list: ['etl-1/n/dir/'] },
      { node: 'n', name: 'retry', list: [], settled: { result: 'never-uploaded', reason: 'no key and no location: never uploaded (argo #13161)' } },
      { node: 'n', name: 'elsewhere', list: [], settled: { result: 'not-allowed', reason: 'bucket nope is not in finishing.buckets' } },
    ]);
  });

  it('settles an artifact with what its probes proved, and says which request proved it', () => {
    const [file] = planProbes(pending.slice(0, 1), { name: 'etl-1' }, [{ bucket: 'argo-artifacts', region: 'us-east-2', keyPrefixes: ['{{workflow.name}}/'] }]);
    const probe = (call: 'HeadObject' | 'ListObjectsV2', state: 'present' | 'absent' | 'unknown', extra: object = {}) => ({ call, bucket: 'argo-artifacts', target: call === 'HeadObject' ? 'etl-1/n/file.tgz' : 'etl-1/n/file.tgz/', state, ...extra });
    const where = { node: 'n', name: 'file', bucket: 'argo-artifacts', key: 'etl-1/n/file.tgz', region: 'us-east-2' };
    const absent = [probe('HeadObject', 'absent', { detail: 'HeadObject 404' }), probe('ListObjectsV2', 'absent')];
    expect(settle(file!, absent)).toEqual({ ...where, result: 'absent', reason: 'HeadObject etl-1/n/file.tgz: HeadObject 404; ListObjectsV2 etl-1/n/file.tgz/: absent', probes: absent });
    const present = [probe('HeadObject', 'present', { objects: [{ key: 'etl-1/n/file.tgz', size: 3 }] }), probe('ListObjectsV2', 'present', { objects: [{ key: 'etl-1/n/file.tgz/a', size: 1 }, { key: 'etl-1/n/file.tgz/b', size: 1 }] })];
    expect(settle(file!, present)).toEqual({ ...where, result: 'present', reason: '3 object(s) still in s3://argo-artifacts', probes: present });
    expect(settle(file!, [probe('HeadObject', 'present'), probe('ListObjectsV2', 'absent')]).reason).toBe('0 object(s) still in s3://argo-artifacts');
    const unknown = [probe('HeadObject', 'absent'), probe('ListObjectsV2', 'unknown')];
    expect(settle(file!, unknown)).toEqual({ ...where, result: 'unknown', reason: 'ListObjectsV2 etl-1/n/file.tgz/: no answer', probes: unknown });
    expect(settle(file!, [probe('HeadObject', 'unknown', { detail: 'AccessDenied' })]).reason).toBe('HeadObject etl-1/n/file.tgz: AccessDenied');
  });

  it('a settled plan keeps no probes and names only the bucket and key it has', () => {
    const [, , retry, elsewhere] = planProbes(pending, wfId, entries);
    expect(settle(retry!, [{ call: 'HeadObject', bucket: 'b', target: 'k', state: 'present' }])).toEqual({ node: 'n', name: 'retry', result: 'never-uploaded', reason: 'no key and no location: never uploaded (argo #13161)', probes: [] });
    expect(settle(elsewhere!, [])).toEqual({ node: 'n', name: 'elsewhere', result: 'not-allowed', reason: 'bucket nope is not in finishing.buckets', probes: [] });
  });

  it('row 11 is not met by a fact that found the artifact present or could not tell', () => {
    for (const result of ['present', 'unknown', 'not-allowed', 'location-mismatch'] as const) {
      const facts = { checkedAt: NOW.toISOString(), artifacts: [{ node: 'n', name: 'a', result: 'absent' as const, probes: [] }, { node: 'n', name: 'b', result, probes: [] }] };
      expect(verifiedAbsent([{ node: 'n', name: 'a' }, { node: 'n', name: 'b' }], facts), result).toBe(false);
    }
    // A fact about the same name on another node proves nothing.
    const other = { checkedAt: NOW.toISOString(), artifacts: [{ node: 'm', name: 'a', result: 'absent' as const, probes: [] }] };
    expect(verifiedAbsent([{ node: 'n', name: 'a' }], other)).toBe(false);
  });

  it('lists every object the probes saw once, in key order (what a completion deletes)', () => {
    const check = {
      node: 'n', name: 'dir', result: 'present' as const,
      probes: [
        { call: 'ListObjectsV2' as const, bucket: 'b', target: 'k/', state: 'present' as const, objects: [{ key: 'k/b', size: 2 }, { key: 'k/a', size: 1 }] },
        { call: 'HeadObject' as const, bucket: 'b', target: 'k', state: 'absent' as const },
        { call: 'ListObjectsV2' as const, bucket: 'b', target: 'k/', state: 'present' as const, objects: [{ key: 'k/a', size: 1, etag: 'e' }] },
      ],
    };
    expect(presentObjects(check)).toEqual([{ key: 'k/a', size: 1, etag: 'e' }, { key: 'k/b', size: 2 }]);
  });

  it('reads where each GC task would delete: the artifact own full location, else the archive with its key', () => {
    const tasks = [
      {
        metadata: { name: 't-0' },
        spec: {
          artifactsByNode: {
            n: {
              archiveLocation: { s3: { endpoint: 'archive:9000', bucket: 'archive' } },
              artifacts: {
                own: { name: 'own', s3: { endpoint: 'own:9000', bucket: 'own-bucket', key: 'k/own' } },
                keyOnly: { name: 'key-only', s3: { key: 'k/key-only' } },
                half: { name: 'half', s3: { bucket: 'half-bucket', key: 'k/half' } },
                unnamed: { s3: { key: 'k/unnamed' } },
                gcs: { name: 'gcs', gcs: { bucket: 'g', key: 'k' } },
              },
            },
            m: { artifacts: { bare: { name: 'bare', s3: { bucket: 'own-only', key: 'k/bare' } } } },
          },
        },
      },
      { metadata: { name: 't-1' }, spec: { artifactsByNode: { n: { artifacts: { own: { name: 'own', s3: { key: 'k/own' } } } } } } },
      { metadata: { name: 't-2' } },
      // What a hand-made or half-written task may hold: no location is read out of it.
      { metadata: { name: 't-3' }, spec: { artifactsByNode: { n: null, m: { archiveLocation: null, artifacts: { x: null, y: { name: 'y', s3: { bucket: '', endpoint: 42, key: 'k/y' } } } } } } },
    ];
    expect(Object.fromEntries(taskLocations(tasks))).toEqual({
      'n/own': [
        { task: 't-0', bucket: 'own-bucket', key: 'k/own', endpoint: 'own:9000' },
        { task: 't-1', bucket: undefined, key: 'k/own', endpoint: undefined },
      ],
      'n/key-only': [{ task: 't-0', bucket: 'archive', key: 'k/key-only', endpoint: 'archive:9000' }],
      'n/half': [{ task: 't-0', bucket: 'archive', key: 'k/half', endpoint: 'archive:9000' }],
      'n/unnamed': [{ task: 't-0', bucket: 'archive', key: 'k/unnamed', endpoint: 'archive:9000' }],
      'm/bare': [{ task: 't-0', bucket: 'own-only', key: 'k/bare', endpoint: undefined }],
      'm/y': [{ task: 't-3', bucket: undefined, key: 'k/y', endpoint: undefined }],
    });
  });

  it('a task that names the same bucket and key, leading / or not, agrees; any other names both sides', () => {
    const at = (bucket: string | undefined, key: string | undefined) => new Map([['n/file', [{ task: 't-0', bucket, key, endpoint: undefined }]]]);
    expect(planProbes(pending.slice(0, 1), wfId, entries, at('argo-artifacts', '//etl-1/n/file.tgz'))[0]!.settled).toBeUndefined();
    expect(planProbes(pending.slice(0, 1), wfId, entries, at('argo-artifacts', 'etl-1/n/other'))[0]).toEqual({
      node: 'n', name: 'file', bucket: 'argo-artifacts', key: 'etl-1/n/file.tgz', list: [],
      settled: { result: 'location-mismatch', reason: 'location-mismatch: GC task t-0 would delete s3://argo-artifacts/etl-1/n/other, the resolver says s3://argo-artifacts/etl-1/n/file.tgz' },
    });
    expect(planProbes(pending.slice(0, 1), wfId, entries, at(undefined, undefined))[0]!.settled?.reason).toBe('location-mismatch: GC task t-0 would delete s3://?/?, the resolver says s3://argo-artifacts/etl-1/n/file.tgz');
    expect(planProbes(pending.slice(0, 1), wfId, entries, at('other', 'etl-1/n/file.tgz'))[0]!.settled?.result).toBe('location-mismatch');
    expect(planProbes(pending.slice(1, 2), wfId, entries, at('other', 'x'))[0]!.settled).toBeUndefined();
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

  it('picks a pod by its strategy annotation, a task pod by the task name, and only entries set to true', () => {
    const twoStrategies = Workflow.parse({
      ...wfObj,
      status: {
        ...wfObj.status,
        artifactGCStatus: {
          strategiesProcessed: { OnWorkflowDeletion: false, OnWorkflowCompletion: true },
          podsRecouped: { 'etl-1-artgc-wfdel-2166136261': true, 'etl-1-artgc-wfcomp-7': false, 'etl-1-artgc-wfcomp-2166136261': true, 'unrelated-pod': true },
        },
      },
    });
    const annotated = { ...pod, metadata: { ...pod.metadata, name: 'renamed-gc-pod', annotations: { 'workflows.argoproj.io/artifact-gc-strategy': 'OnWorkflowDeletion' } } } as Pod;
    const lateTask = { ...other, metadata: { ...other.metadata, name: 'etl-1-artgc-wfdel-2166136261-12', uid: 'task-uid' } } as GcTask;
    const plan = planRearm(twoStrategies, [pod, annotated], [lateTask, other, task], ['OnWorkflowDeletion']);
    expect(plan).toEqual({
      strategies: ['OnWorkflowDeletion'],
      tasks: [{ name: 'etl-1-artgc-wfdel-2166136261-0', uid: undefined }, { name: 'etl-1-artgc-wfdel-2166136261-12', uid: 'task-uid' }],
      // The task's pod counts though no pod was listed: it may still be there.
      pods: ['etl-1-artgc-wfdel-2166136261', 'renamed-gc-pod'],
      recouped: ['etl-1-artgc-wfdel-2166136261'],
      processed: [],
    });
    const both = planRearm(twoStrategies, [pod], [task, other], ['OnWorkflowDeletion', 'OnWorkflowCompletion']);
    expect(both.strategies).toEqual(['OnWorkflowCompletion', 'OnWorkflowDeletion']);
    expect(both.processed).toEqual(['OnWorkflowCompletion']);
    expect(both.recouped).toEqual(['etl-1-artgc-wfcomp-2166136261', 'etl-1-artgc-wfdel-2166136261']);
    expect(both.pods).toEqual(['etl-1-artgc-wfcomp-2166136261', 'etl-1-artgc-wfdel-2166136261']);
    const allProcessed = Workflow.parse({ ...wfObj, status: { ...wfObj.status, artifactGCStatus: { strategiesProcessed: { OnWorkflowDeletion: true, OnWorkflowCompletion: true } } } });
    expect(planRearm(allProcessed, [], [], ['OnWorkflowDeletion', 'OnWorkflowCompletion']).processed).toEqual(['OnWorkflowCompletion', 'OnWorkflowDeletion']);
    const empty = { strategies: ['OnWorkflowCompletion'], tasks: [], pods: [], recouped: [], processed: [] };
    expect(planRearm(Workflow.parse({ ...wfObj, status: { ...wfObj.status, artifactGCStatus: undefined } }), [], [], ['OnWorkflowCompletion'])).toEqual(empty);
    expect(planRearm(Workflow.parse({ ...wfObj, status: undefined }), [], [], ['OnWorkflowCompletion'])).toEqual(empty);
  });

  it('escapes ~ before / in a JSON pointer segment (RFC 6901)', () => {
    expect(pointerSegment('a~1/b~')).toBe('a~01~1b~0');
  });

  it('starts the attempt annotation where the Workflow has none, or no annotations at all', () => {
    const plan = planRearm(wf, [], [], ['OnWorkflowCompletion']);
    const path = `/metadata/annotations/${pointerSegment(REARM_ANNOTATION)}`;
    const value = JSON.stringify({ count: 1, at: NOW.toISOString() });
    const bare = Workflow.parse({ ...wfObj, metadata: { ...wfObj.metadata, annotations: undefined } });
    expect(planRearmPatch(bare, plan, NOW)!.slice(-1)).toEqual([{ op: 'add', path: '/metadata/annotations', value: { [REARM_ANNOTATION]: value } }]);
    const others = Workflow.parse({ ...wfObj, metadata: { ...wfObj.metadata, annotations: { team: 'data' } } });
    const patch = planRearmPatch(others, plan, NOW)!;
    expect(patch.slice(-1)).toEqual([{ op: 'add', path, value }]);
    expect(patch.filter((o) => o.path === path && o.op === 'test')).toEqual([]);
    expect(applyJsonPatch(structuredClone({ ...wfObj, metadata: { ...wfObj.metadata, annotations: { team: 'data' } } }), patch as never).metadata.annotations).toEqual({ team: 'data', [REARM_ANNOTATION]: value });
    // Tests first, then the changes: the patch fails before it changes anything.
    const ops = planRearmPatch(wf, planRearm(wf, [pod], [task], ['OnWorkflowCompletion']), NOW)!.map((o) => o.op);
    expect(ops).toEqual(['test', 'test', 'test', 'test', 'remove', 'remove', 'add']);
  });

  it('marks several artifacts, each under a test of its name and of the deleted flag it already has', () => {
    const many = structuredClone(wfObj);
    many.status.nodes['etl-1'].outputs.artifacts = [{ name: 'a', s3: { key: 'etl-1/a' } }, { name: 'b', s3: { key: 'etl-1/b' }, deleted: false }];
    const patch = planDeletedMarks(Workflow.parse(many), [{ node: 'etl-1', name: 'b' }, { node: 'etl-1', name: 'a' }])!;
    expect(patch.slice(2)).toEqual([
      { op: 'test', path: '/status/nodes/etl-1/outputs/artifacts/1/name', value: 'b' },
      { op: 'test', path: '/status/nodes/etl-1/outputs/artifacts/1/deleted', value: false },
      { op: 'test', path: '/status/nodes/etl-1/outputs/artifacts/0/name', value: 'a' },
      { op: 'add', path: '/status/nodes/etl-1/outputs/artifacts/1/deleted', value: true },
      { op: 'add', path: '/status/nodes/etl-1/outputs/artifacts/0/deleted', value: true },
    ]);
    expect(applyJsonPatch(structuredClone(many), patch as never).status.nodes['etl-1'].outputs.artifacts.map((x: { deleted?: boolean }) => x.deleted)).toEqual([true, true]);
  });

  it('plans no marks without a pin, without nodes, for nothing, or for a node it cannot find', () => {
    const out = [{ node: 'etl-1', name: 'out' }];
    expect(planDeletedMarks(Workflow.parse({ ...wfObj, metadata: { ...wfObj.metadata, uid: undefined } }), out)).toBeUndefined();
    expect(planDeletedMarks(Workflow.parse({ ...wfObj, status: { ...wfObj.status, nodes: {} } }), out)).toBeUndefined();
    expect(planDeletedMarks(Workflow.parse({ ...wfObj, status: { ...wfObj.status, nodes: undefined } }), out)).toBeUndefined();
    expect(planDeletedMarks(wf, [])).toBeUndefined();
    expect(planDeletedMarks(wf, [{ node: 'elsewhere', name: 'out' }])).toBeUndefined();
    expect(planDeletedMarks(Workflow.parse({ ...wfObj, status: undefined }), out)).toBeUndefined();
    const noOutputs = structuredClone(wfObj);
    noOutputs.status.nodes['etl-1'].outputs = undefined;
    expect(planDeletedMarks(Workflow.parse(noOutputs), out)).toBeUndefined();
  });
});
