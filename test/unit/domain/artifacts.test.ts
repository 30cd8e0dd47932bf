// Which artifacts the controller still owes a delete, and row 11's proof that they are gone (src/domain/artifacts.ts).
import { describe, expect, it } from 'vitest';
import { effectiveStrategy, forceFinalizerRemoval, nodeArtifacts, verifiedAbsent } from '../../../src/domain/artifacts.js';
import type { PendingArtifact } from '../../../src/domain/assessment.js';
import { Workflow } from '../../../src/domain/objects.js';

type Obj = Record<string, any>;
const REPO = { s3: { endpoint: 's3.amazonaws.com', bucket: 'repo' } };

function wf(nodes: Obj, extra: { spec?: Obj; status?: Obj } = {}) {
  return Workflow.parse({
    kind: 'Workflow',
    metadata: { name: 'w', namespace: 'argo' },
    spec: { artifactGC: { strategy: 'OnWorkflowCompletion' }, templates: [{ name: 't' }], ...(extra.spec ?? {}) },
    status: { phase: 'Succeeded', artifactRepositoryRef: { artifactRepository: REPO }, nodes, ...(extra.status ?? {}) },
  });
}
const pod = (id: string, artifacts: Obj[], type = 'Pod') => ({ [id]: { id, type, templateName: 't', outputs: { artifacts } } });
const run = (w: Workflow, success: (node: string, name: string) => boolean = () => false) => nodeArtifacts(w.status!.nodes!, w, success);

describe('effective GC strategy (GetArtifactGCStrategy)', () => {
  it("the artifact's own, else the stored WorkflowTemplate spec's, else the Workflow's, else Never", () => {
    const a = (strategy?: string) => ({ name: 'a', ...(strategy !== undefined ? { artifactGC: { strategy } } : {}) }) as never;
    const stored = { storedWorkflowTemplateSpec: { artifactGC: { strategy: 'OnWorkflowDeletion' } } };
    expect(effectiveStrategy(a('Never'), wf({}, { status: stored }))).toBe('Never');
    expect(effectiveStrategy(a(''), wf({}, { status: stored }))).toBe('OnWorkflowDeletion');
    expect(effectiveStrategy(a(), wf({}, { status: { storedWorkflowTemplateSpec: { artifactGC: { strategy: '' } } } }))).toBe('OnWorkflowCompletion');
    expect(effectiveStrategy(a(), wf({}))).toBe('OnWorkflowCompletion');
    expect(effectiveStrategy(a(), wf({}, { spec: { artifactGC: { strategy: '' } } }))).toBe('Never');
    expect(effectiveStrategy(a(), wf({}, { spec: { artifactGC: null } }))).toBe('Never');
  });

  it('a Workflow that declares no GC at all, anywhere, is Never and not forced', () => {
    const a = { name: 'a' } as never;
    const bare = Workflow.parse({ kind: 'Workflow', metadata: { name: 'w', namespace: 'argo' } });
    const empty = Workflow.parse({ kind: 'Workflow', metadata: { name: 'w', namespace: 'argo' }, spec: {}, status: { storedWorkflowTemplateSpec: {} } });
    for (const w of [bare, empty]) {
      expect(effectiveStrategy(a, w)).toBe('Never');
      expect(forceFinalizerRemoval(w)).toBe(false);
    }
  });

  it('forceFinalizerRemoval: the stored spec first, even when false; off unless declared', () => {
    expect(forceFinalizerRemoval(wf({}, { spec: { artifactGC: { forceFinalizerRemoval: true } } }))).toBe(true);
    expect(forceFinalizerRemoval(wf({}, { spec: { artifactGC: { forceFinalizerRemoval: true } }, status: { storedWorkflowTemplateSpec: { artifactGC: { forceFinalizerRemoval: false } } } }))).toBe(false);
    expect(forceFinalizerRemoval(wf({}, { status: { storedWorkflowTemplateSpec: { artifactGC: { forceFinalizerRemoval: true } } } }))).toBe(true);
    expect(forceFinalizerRemoval(wf({}))).toBe(false);
  });
});

describe('pending artifacts', () => {
  it('only Pod nodes, only strategies other than Never, not those marked deleted; each located as the GC pod would', () => {
    const w = wf({
      ...pod('n2', [{ name: 'out', s3: { key: 'w/out' } }, { name: 'kept', artifactGC: { strategy: 'Never' }, s3: { key: 'w/kept' } }, { name: 'gone', s3: { key: 'w/gone' }, deleted: true }]),
      ...pod('n1', [{ name: 'retry', path: '/tmp/x' }, { name: 'stray', s3: { key: 'w/stray' } }]),
      ...pod('dag', [{ name: 'dag-out', s3: { key: 'w/dag' } }], 'DAG'),
    }, { spec: { templates: [{ name: 't' }, { name: 'u' }] } });
    expect(run(w).pending).toStrictEqual([
      { node: 'n1', name: 'retry', strategy: 'OnWorkflowCompletion', neverUploaded: true },
      { node: 'n1', name: 'stray', strategy: 'OnWorkflowCompletion', location: 's3://repo/w/stray', storage: { driver: 's3', endpoint: 's3.amazonaws.com', bucket: 'repo', key: 'w/stray' } },
      { node: 'n2', name: 'out', strategy: 'OnWorkflowCompletion', location: 's3://repo/w/out', storage: { driver: 's3', endpoint: 's3.amazonaws.com', bucket: 'repo', key: 'w/out' } },
    ]);
  });

  it('an artifact that names its own strategy is owed even when the Workflow says Never; one that cannot be located says why', () => {
    const w = wf({ n: { id: 'n', type: 'Pod', templateName: 'missing', outputs: { artifacts: [{ name: 'a', artifactGC: { strategy: 'OnWorkflowDeletion' }, s3: { key: 'k' } }] } } }, { spec: { artifactGC: { strategy: 'Never' } } });
    expect(run(w).pending).toEqual([{ node: 'n', name: 'a', strategy: 'OnWorkflowDeletion', unresolved: 'template missing is not in the Workflow' }]);
  });

  it('lists by node id, each node\'s artifacts in the order the node lists them', () => {
    const three = (p: string) => [1, 2, 3, 4].map((i) => ({ name: `${p}${i}`, s3: { key: `w/${p}${i}` } }));
    const w = wf({ ...pod('b', three('b')), ...pod('c', three('c')), ...pod('a', three('a')) });
    expect(run(w).pending.map((p) => p.name)).toEqual(['a1', 'a2', 'a3', 'a4', 'b1', 'b2', 'b3', 'b4', 'c1', 'c2', 'c3', 'c4']);
  });

  it('a Pod node without outputs owes nothing', () => {
    expect(run(wf({ n: { id: 'n', type: 'Pod', templateName: 't' }, m: { id: 'm', type: 'Pod', templateName: 't', outputs: {} } }))).toEqual({ pending: [], suspectedDirectoryOrphans: [], suspectedFromWorkflowAlone: [] });
  });

  it('a Workflow of only Never artifacts owes nothing', () => {
    expect(run(wf(pod('n', [{ name: 'a', s3: { key: 'k' } }]), { spec: { artifactGC: { strategy: 'Never' } } }))).toEqual({ pending: [], suspectedDirectoryOrphans: [], suspectedFromWorkflowAlone: [] });
  });
});

describe('suspected directory orphans (argo #14387)', () => {
  const dir = { name: 'dir', archive: { none: {} }, s3: { key: 'w/dir' } };

  it('deleted on the Workflow: suspected from the Workflow alone, and not pending', () => {
    const r = run(wf(pod('n', [{ ...dir, deleted: true }])));
    const orphan = { node: 'n', name: 'dir', location: 's3://repo/w/dir', storage: { driver: 's3', endpoint: 's3.amazonaws.com', bucket: 'repo', key: 'w/dir' } };
    expect(r).toEqual({ pending: [], suspectedDirectoryOrphans: [orphan], suspectedFromWorkflowAlone: [orphan] });
  });

  it('reported deleted by a GC task only: suspected and still pending, asked by node and artifact name', () => {
    const asked: string[] = [];
    const r = run(wf({ ...pod('n', [dir]), ...pod('m', [{ ...dir, name: 'other' }]) }), (node, name) => (asked.push(`${node}/${name}`), node === 'n' && name === 'dir'));
    expect(r.suspectedDirectoryOrphans.map((o) => o.name)).toEqual(['dir']);
    expect(r.suspectedFromWorkflowAlone).toEqual([]);
    expect(r.pending.map((p) => p.name)).toEqual(['other', 'dir']);
    expect(asked.sort()).toEqual(['m/other', 'n/dir']);
  });

  it('not for one that cannot be located: it stays pending with the reason', () => {
    const w = wf({ n: { id: 'n', type: 'Pod', templateName: 'gone', outputs: { artifacts: [dir] } } });
    expect(run(w, () => true)).toEqual({ pending: [{ node: 'n', name: 'dir', strategy: 'OnWorkflowCompletion', unresolved: 'template gone is not in the Workflow' }], suspectedDirectoryOrphans: [], suspectedFromWorkflowAlone: [] });
  });

  it('not for a tarred artifact, archive none set to null, a key ending in /, or another driver', () => {
    const r = run(
      wf(
        pod('n', [
          { name: 'tar', s3: { key: 'w/tar' }, deleted: true },
          { name: 'null', archive: { none: null }, s3: { key: 'w/null' }, deleted: true },
          { name: 'slash', archive: { none: {} }, s3: { key: 'w/slash/' }, deleted: true },
          { name: 'gcs', archive: { none: {} }, gcs: { bucket: 'g', key: 'w/g' }, deleted: true },
          { name: 'reported', archive: { none: {} }, s3: { key: 'w/r' } },
        ]),
      ),
      () => true,
    );
    expect(r.suspectedDirectoryOrphans.map((o) => o.name)).toEqual(['reported']);
    expect(r.pending.map((p) => p.name)).toEqual(['reported']);
  });
});

describe("row 11's proof (verifiedAbsent)", () => {
  const at = (key: string, extra: Obj = {}) => ({ driver: 's3' as const, endpoint: 's3.amazonaws.com', bucket: 'b', key, ...extra });
  const a = (storage?: Obj, more: Obj = {}): PendingArtifact => ({ node: 'n', name: 'a', strategy: 'OnWorkflowCompletion', ...(storage ? { storage } : {}), ...more }) as PendingArtifact;
  const fact = (storage: Obj, exists: boolean) => ({ storage, exists, checkedAt: '2026-12-01T10:00:00Z' }) as never;

  it('needs a fact at exactly the resolved location, and every such fact saying absent', () => {
    expect(verifiedAbsent([a(at('k'))], [fact(at('k'), false)])).toBe(true);
    expect(verifiedAbsent([a(at('k'))], [fact(at('k'), false), fact(at('k'), true)])).toBe(false);
    expect(verifiedAbsent([a(at('k'))], [])).toBe(false);
    for (const elsewhere of [at('k2'), at('k', { bucket: 'b2' }), at('k', { endpoint: 'minio:9000' }), at('k', { driver: 'gcs' })]) {
      expect(verifiedAbsent([a(at('k'))], [fact(elsewhere, false)]), JSON.stringify(elsewhere)).toBe(false);
    }
    // An absent endpoint is the empty one, on either side.
    expect(verifiedAbsent([a({ driver: 's3', bucket: 'b', key: 'k' })], [fact({ driver: 's3', endpoint: '', bucket: 'b', key: 'k' }, false)])).toBe(true);
    expect(verifiedAbsent([a({ driver: 's3', endpoint: '', bucket: '', key: '' })], [fact({ driver: 's3' }, false)])).toBe(true);
  });

  it('never-uploaded needs no fact; an unlocated artifact cannot be proved; nothing pending proves nothing', () => {
    expect(verifiedAbsent([a(undefined, { neverUploaded: true })], [])).toBe(true);
    expect(verifiedAbsent([a(undefined, { neverUploaded: true }), a(undefined, { unresolved: 'x' })], [fact(at('k'), false)])).toBe(false);
    expect(verifiedAbsent([], [fact(at('k'), false)])).toBe(false);
  });
});
