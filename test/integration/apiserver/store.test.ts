import { describe, expect, it } from 'vitest';
import { ObjectStore } from '../../../src/local/apiserver/index.js';
import { withApiServer } from '../../helpers/apiserver.js';
import { ARTIFACT_GC_FINALIZER, gcPod, gcTask, workflow } from './fixtures.js';

const wfRef = (namespace: string, name: string) => ({ kind: 'Workflow', namespace, name });

describe('ObjectStore (direct API for tests)', () => {
  const fixed = new Date('2026-08-18T09:00:00Z');

  it('put keeps the uid and timestamps a seed carries and fills the rest', () => {
    const s = new ObjectStore(() => fixed);
    const seeded = s.put({
      ...workflow('data', 'seeded', { uid: '0f6c2a9b-51e4-4b3e-9d1a-7c2f9e8b4d21' }),
      metadata: { ...(workflow('data', 'seeded').metadata as object), uid: '0f6c2a9b-51e4-4b3e-9d1a-7c2f9e8b4d21', creationTimestamp: '2026-08-17T02:00:00Z', deletionTimestamp: '2026-08-18T08:00:00Z' },
    });
    expect(seeded.metadata).toMatchObject({
      uid: '0f6c2a9b-51e4-4b3e-9d1a-7c2f9e8b4d21',
      creationTimestamp: '2026-08-17T02:00:00Z',
      deletionTimestamp: '2026-08-18T08:00:00Z',
      generation: 1,
    });
    const fresh = s.put(workflow('data', 'fresh'));
    expect(fresh.metadata.creationTimestamp).toBe('2026-08-18T09:00:00Z');
    expect(Number(fresh.metadata.resourceVersion)).toBeGreaterThan(Number(seeded.metadata.resourceVersion));
    expect(s.get({ kind: 'Namespace', name: 'data' })?.status).toEqual({ phase: 'Active' });
  });

  it('update keeps system fields, bumps generation on spec changes, and a no-op write keeps the resourceVersion', () => {
    const s = new ObjectStore(() => fixed);
    const first = s.put(workflow('data', 'w'));
    const same = s.update(first);
    expect(same.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    const labelled = s.mutate(wfRef('data', 'w'), (o) => {
      o.metadata.labels = { changed: 'yes' };
      o.metadata.uid = 'ignored';
    });
    expect(labelled.metadata.uid).toBe(first.metadata.uid);
    expect(labelled.metadata.generation).toBe(1);
    const spec = s.mutate(wfRef('data', 'w'), (o) => {
      o.spec = { entrypoint: 'other' };
    });
    expect(spec.metadata.generation).toBe(2);
  });

  it('delete follows API semantics; remove ignores finalizers', () => {
    const s = new ObjectStore(() => fixed);
    s.put(workflow('data', 'w'));
    expect(s.delete(wfRef('data', 'w'))?.outcome).toBe('terminating');
    expect(s.get(wfRef('data', 'w'))?.metadata.deletionTimestamp).toBe('2026-08-18T09:00:00Z');
    expect(s.remove(wfRef('data', 'w'))).toBe(true);
    expect(s.get(wfRef('data', 'w'))).toBeUndefined();
    expect(s.delete(wfRef('data', 'w'))).toBeUndefined();
  });

  it('removes a terminating object as soon as a write leaves it without finalizers', () => {
    const s = new ObjectStore(() => fixed);
    s.put(workflow('data', 'w', { finalizers: [ARTIFACT_GC_FINALIZER, 'example.com/other'] }));
    s.delete(wfRef('data', 'w'));
    s.mutate(wfRef('data', 'w'), (o) => {
      o.metadata.finalizers = ['example.com/other'];
    });
    expect(s.get(wfRef('data', 'w'))?.metadata.finalizers).toEqual(['example.com/other']);
    s.mutate(wfRef('data', 'w'), (o) => {
      delete o.metadata.finalizers;
    });
    expect(s.get(wfRef('data', 'w'))).toBeUndefined();
  });

  it('garbage-collects dependents of a removed owner (background), and orphans them on request', () => {
    const s = new ObjectStore(() => fixed);
    const owner = s.put(workflow('data', 'parent', { finalizers: [] }));
    const ref = { name: 'parent', uid: owner.metadata.uid ?? '' };
    s.put(gcPod('data', 'parent', 'Failed', ref));
    s.put(gcTask('data', 'parent', ref));
    s.delete(wfRef('data', 'parent'));
    expect(s.list({ kind: 'Pod', namespace: 'data' })).toEqual([]);
    expect(s.list({ kind: 'WorkflowArtifactGCTask', namespace: 'data' })).toEqual([]);

    const owner2 = s.put(workflow('data', 'parent2', { finalizers: [] }));
    s.put(gcPod('data', 'parent2', 'Failed', { name: 'parent2', uid: owner2.metadata.uid ?? '' }));
    expect(s.delete(wfRef('data', 'parent2'), { propagationPolicy: 'Orphan' })?.object.metadata.finalizers).toEqual(['orphan']);
    expect(s.get(wfRef('data', 'parent2'))).toBeUndefined();
    const orphan = s.list({ kind: 'Pod', namespace: 'data' });
    expect(orphan.map((p) => [p.metadata.name, p.metadata.ownerReferences])).toEqual([['parent2-artgc-wfdel-1104873411', undefined]]);
  });

  it('throws a clear error for a kind it does not serve', () => {
    const s = new ObjectStore();
    expect(() => s.put({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } })).toThrow('does not serve kind v1 Secret');
  });
});

describe('watch', () => {
  const api = withApiServer();

  async function readEvents(path: string, count: number, during: () => void): Promise<{ type: string; object: { metadata: { name: string } } }[]> {
    const ctrl = new AbortController();
    const res = await fetch(`${api.server.url}${path}`, { headers: { authorization: `Bearer ${api.server.adminToken}` }, signal: ctrl.signal });
    expect(res.status).toBe(200);
    const reader = res.body?.getReader();
    if (!reader) throw new Error('no body');
    const events: { type: string; object: { metadata: { name: string } } }[] = [];
    let buffer = '';
    during();
    try {
      for (let i = 0; i < 50 && events.length < count; i++) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += Buffer.from(value).toString('utf8');
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buffer.slice(0, nl)) as (typeof events)[number]);
          buffer = buffer.slice(nl + 1);
        }
      }
    } finally {
      ctrl.abort();
    }
    return events;
  }

  it('streams changes after a resourceVersion, with selector transitions as ADDED and DELETED', async () => {
    const s = api.server.store;
    s.put(workflow('watched', 'a', { labels: { pick: 'yes' } }));
    const from = s.resourceVersion;
    const events = await readEvents(`/apis/argoproj.io/v1alpha1/namespaces/watched/workflows?watch=true&resourceVersion=${from}&labelSelector=pick%3Dyes`, 4, () => {
      s.put(workflow('watched', 'b', { labels: { pick: 'yes' } }));
      s.put(workflow('watched', 'ignored', { labels: { pick: 'no' } }));
      s.mutate(wfRef('watched', 'a'), (o) => {
        o.metadata.labels = { pick: 'no' };
      });
      s.delete(wfRef('watched', 'b'));
      s.remove(wfRef('watched', 'b'));
    });
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED b', 'DELETED a', 'MODIFIED b', 'DELETED b']);
  });

  it('starts with the current state when no resourceVersion is given, and answers 410 for a version it no longer has', async () => {
    api.server.store.put(workflow('watched-2', 'x'));
    const initial = await readEvents('/apis/argoproj.io/v1alpha1/namespaces/watched-2/workflows?watch=true', 1, () => undefined);
    expect(initial.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED x']);
    const expired = await readEvents('/apis/argoproj.io/v1alpha1/workflows?watch=true&resourceVersion=1', 1, () => undefined);
    expect(expired[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
  });
});
