import { describe, expect, it } from 'vitest';
import { KubeClusterPort, METADATA_LIST_ACCEPT } from '../../../src/kube/cluster-port.js';
import { withApiServer } from '../../helpers/apiserver.js';
import { workflow } from './fixtures.js';

// Metadata-only lists as a real API server serves them (apimachinery's `asPartialObjectMetadataList`): the list
// is `meta.k8s.io/v1 PartialObjectMetadataList`, each item `PartialObjectMetadata` holding the object's whole
// ObjectMeta and nothing else, paged with the same limit/continue as a full list.
const LIST = '/apis/argoproj.io/v1alpha1/workflows';

describe('metadata-only lists on the local API server', () => {
  const api = withApiServer({
    seed: [
      workflow('data', 'wf-a'),
      workflow('data', 'wf-b', { finalizers: [] }),
      workflow('ml', 'wf-c'),
      workflow('ml', 'wf-d', { finalizers: ['example.com/keep', 'workflows.argoproj.io/artifact-gc'] }),
    ],
  });

  const get = (path: string, accept: string) =>
    fetch(`${api.server.url}${path}`, { headers: { Accept: accept, Authorization: `Bearer ${api.server.token}` } });

  it('answers a PartialObjectMetadataList whose items hold only metadata', async () => {
    const res = await get(LIST, 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1');
    const body = (await res.json()) as { kind: string; apiVersion: string; metadata: { resourceVersion: string }; items: Record<string, unknown>[] };
    expect(body.kind).toBe('PartialObjectMetadataList');
    expect(body.apiVersion).toBe('meta.k8s.io/v1');
    expect(body.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(body.items).toHaveLength(4);
    for (const item of body.items) {
      expect(Object.keys(item).sort()).toEqual(['apiVersion', 'kind', 'metadata']);
      expect(item).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1' });
    }
    const full = api.server.store.get({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', namespace: 'data', name: 'wf-a' });
    expect(body.items.find((i) => (i['metadata'] as { name: string }).name === 'wf-a')?.['metadata']).toEqual(full?.metadata);
  });

  it('pages with limit and continue exactly as a full list does', async () => {
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await get(`${LIST}?limit=3${token ? `&continue=${encodeURIComponent(token)}` : ''}`, 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1');
      const body = (await res.json()) as { metadata: { continue?: string; remainingItemCount?: number }; items: { metadata: { name: string } }[] };
      names.push(...body.items.map((i) => i.metadata.name));
      if (pages === 0) expect(body.metadata.remainingItemCount).toBe(1);
      token = body.metadata.continue;
      pages += 1;
    } while (token);
    expect(pages).toBe(2);
    expect(names).toEqual(['wf-a', 'wf-b', 'wf-c', 'wf-d']);
  });

  it('serves one object as PartialObjectMetadata, and refuses the mismatched form with 406', async () => {
    const one = await get('/apis/argoproj.io/v1alpha1/namespaces/ml/workflows/wf-c', 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1');
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'wf-c', namespace: 'ml' } });
    const wrongForList = await get(LIST, 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1');
    expect(wrongForList.status).toBe(406);
    expect(await wrongForList.json()).toMatchObject({ kind: 'Status', reason: 'NotAcceptable', code: 406 });
    const wrongForOne = await get('/apis/argoproj.io/v1alpha1/namespaces/ml/workflows/wf-c', 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1');
    expect(wrongForOne.status).toBe(406);
  });

  it('gives the first form in Accept that it can serve: plain JSON first means full objects', async () => {
    const res = await get(LIST, 'application/json,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1');
    const body = (await res.json()) as { kind: string; items: { spec?: unknown }[] };
    expect(body.kind).toBe('WorkflowList');
    expect(body.items.every((i) => i.spec !== undefined)).toBe(true);
  });

  it('client-node through the port: only Workflows with the artifact-GC finalizer, metadata only, in pages', async () => {
    const port = new KubeClusterPort(api.kubeConfig());
    const before = api.server.requests.length;
    const got: string[] = [];
    for await (const { metadata } of port.candidateMetadata({ allNamespaces: true }, { pageSize: 1 })) got.push(`${String(metadata['namespace'])}/${String(metadata['name'])}`);
    expect(got).toEqual(['data/wf-a', 'ml/wf-c', 'ml/wf-d']);
    const lists = api.server.requests.slice(before).filter((r) => r.path === LIST);
    expect(lists).toHaveLength(4);
    expect(lists.every((r) => r.accept === METADATA_LIST_ACCEPT && r.status === 200)).toBe(true);
  });
});
