import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { kubeConfigFor, withApiServer } from '../../helpers/apiserver.js';
import { ARTIFACT_GC_FINALIZER, WF, WFAT, apiError, gcPod, gcTask, workflow } from './fixtures.js';

/** The local API server driven through @kubernetes/client-node over plain HTTP on 127.0.0.1. */

const REMEDIATOR = 'system:serviceaccount:argo:argo-finalizer-remediator';
const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

type Obj = Record<string, unknown> & { metadata: Record<string, unknown> & { name: string } };

const api = withApiServer();

function clients(token?: string): { custom: CustomObjectsApi; core: CoreV1Api } {
  const kc = token === undefined ? api.kubeConfig() : api.kubeConfig(token);
  return { custom: kc.makeApiClient(CustomObjectsApi), core: kc.makeApiClient(CoreV1Api) };
}

async function getWf(namespace: string, name: string): Promise<Obj> {
  return (await clients().custom.getNamespacedCustomObject({ ...WF, namespace, name })) as Obj;
}

describe('reads', () => {
  beforeAll(() => {
    const s = api.server.store;
    s.put(workflow('reads', 'alpha', { labels: { team: 'a', tier: 'gold' } }));
    s.put(workflow('reads', 'beta', { labels: { team: 'b', tier: 'silver' } }));
    s.put(workflow('reads', 'gamma', { labels: { team: 'c' } }));
    s.put(workflow('reads', 'delta', { labels: { tier: 'gold' } }));
    s.put(workflow('reads-other', 'alpha', { labels: { team: 'a' } }));
  });

  it('GETs a Workflow with the system fields a real server sets', async () => {
    const wf = await getWf('reads', 'alpha');
    expect(wf.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(wf.kind).toBe('Workflow');
    expect(wf.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(wf.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(wf.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(wf.metadata.generation).toBe(1);
    expect(wf.metadata.finalizers).toEqual([ARTIFACT_GC_FINALIZER]);
  });

  it('answers 404 with the real NotFound Status', async () => {
    const err = await apiError(() => clients().custom.getNamespacedCustomObject({ ...WF, namespace: 'reads', name: 'nope' }));
    expect(err.code).toBe(404);
    expect(err.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'workflows.argoproj.io "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', group: 'argoproj.io', kind: 'workflows' },
      code: 404,
    });
  });

  it.each([
    ['team=a', ['alpha']],
    ['team==a', ['alpha']],
    ['team!=a', ['beta', 'delta', 'gamma']],
    ['team', ['alpha', 'beta', 'gamma']],
    ['!team', ['delta']],
    ['team in (a,b)', ['alpha', 'beta']],
    ['team notin (a,b)', ['delta', 'gamma']],
    ['team,tier=gold', ['alpha']],
    ['tier in (gold),!team', ['delta']],
  ])('lists with labelSelector %s', async (selector, names) => {
    const list = (await clients().custom.listNamespacedCustomObject({ ...WF, namespace: 'reads', labelSelector: selector })) as {
      items: Obj[];
    };
    expect(list.items.map((i) => i.metadata.name)).toEqual(names);
  });

  it('lists with fieldSelector metadata.name and metadata.namespace, cluster-wide', async () => {
    const byName = (await clients().custom.listClusterCustomObject({ ...WF, fieldSelector: 'metadata.name=alpha' })) as { items: Obj[] };
    expect(byName.items.map((i) => `${String(i.metadata.namespace)}/${i.metadata.name}`)).toEqual(['reads-other/alpha', 'reads/alpha']);
    const byNs = (await clients().custom.listClusterCustomObject({
      ...WF,
      fieldSelector: 'metadata.namespace=reads,metadata.name!=alpha',
    })) as { items: Obj[] };
    expect(byNs.items.map((i) => i.metadata.name)).toEqual(['beta', 'delta', 'gamma']);
  });

  it('rejects an unsupported field selector and a malformed label selector with 400', async () => {
    const field = await apiError(() => clients().custom.listNamespacedCustomObject({ ...WF, namespace: 'reads', fieldSelector: 'spec.entrypoint=main' }));
    expect(field.code).toBe(400);
    expect(field.body).toMatchObject({ reason: 'BadRequest', message: 'field label not supported: spec.entrypoint' });
    const label = await apiError(() => clients().custom.listNamespacedCustomObject({ ...WF, namespace: 'reads', labelSelector: 'team in (a' }));
    expect(label.code).toBe(400);
    expect(label.body.reason).toBe('BadRequest');
  });

  it('lists pods by label and GC tasks, both allowed to the remediator', async () => {
    const s = api.server.store;
    s.put(gcPod('reads', 'alpha', 'Failed'));
    s.put(gcTask('reads', 'alpha', { name: 'alpha', uid: 'not-checked' }));
    const pods = await clients().core.listNamespacedPod({
      namespace: 'reads',
      labelSelector: 'workflows.argoproj.io/workflow=alpha,workflows.argoproj.io/component=artifact-gc',
    });
    expect(pods.items.map((p) => p.metadata?.name)).toEqual(['alpha-artgc-wfdel-1104873411']);
    expect(pods.items[0]?.status?.phase).toBe('Failed');
    const tasks = (await clients().custom.listNamespacedCustomObject({ ...WFAT, namespace: 'reads' })) as { items: Obj[] };
    expect(tasks.items.map((t) => t.metadata.name)).toEqual(['alpha-artgc-wfdel-1104873411-0']);
  });
});

describe('pagination over 5,000 Workflows', () => {
  const namespaces = ['page-a', 'page-b', 'page-c'];
  const expected = new Set<string>();

  beforeAll(() => {
    for (let i = 0; i < 5000; i++) {
      const ns = namespaces[i % 3] ?? 'page-a';
      const name = `wf-${String(i).padStart(5, '0')}`;
      api.server.store.put(workflow(ns, name, { labels: { parity: i % 2 === 0 ? 'even' : 'odd' } }));
      expected.add(`${ns}/${name}`);
    }
  });

  async function pages(
    list: (cont: string | undefined) => Promise<unknown>,
  ): Promise<{ keys: string[]; pageSizes: number[]; rvs: string[]; remaining: (number | undefined)[]; items: Obj[] }> {
    const keys: string[] = [];
    const items: Obj[] = [];
    const pageSizes: number[] = [];
    const rvs: string[] = [];
    const remaining: (number | undefined)[] = [];
    let cont: string | undefined;
    for (let i = 0; i < 100; i++) {
      const page = (await list(cont)) as { items: Obj[]; metadata: { continue?: string; resourceVersion: string; remainingItemCount?: number } };
      pageSizes.push(page.items.length);
      rvs.push(page.metadata.resourceVersion);
      remaining.push(page.metadata.remainingItemCount);
      for (const it of page.items) {
        keys.push(`${String(it.metadata.namespace)}/${it.metadata.name}`);
        items.push(it);
      }
      cont = page.metadata.continue;
      if (!cont) break;
    }
    return { keys, pageSizes, rvs, remaining, items };
  }

  it('pages the cluster-wide list in key order with no duplicate and no gap', async () => {
    const { custom } = clients();
    const all = await pages((cont) =>
      custom.listClusterCustomObject({ ...WF, limit: 500, ...(cont ? { _continue: cont } : {}), labelSelector: 'parity' }),
    );
    const mine = all.keys.filter((k) => k.startsWith('page-'));
    expect(mine.length).toBe(5000);
    expect(new Set(mine)).toEqual(expected);
    expect(new Set(all.keys).size).toBe(all.keys.length);
    expect([...all.keys].sort()).toEqual(all.keys);
    expect(all.pageSizes.slice(0, -1).every((n) => n === 500)).toBe(true);
    expect(new Set(all.rvs).size).toBe(1);
    expect(all.items.every((i) => i.kind === 'Workflow' && i.apiVersion === 'argoproj.io/v1alpha1')).toBe(true);
  });

  it('reports remainingItemCount when no selector is used', async () => {
    const { custom } = clients();
    const ns = await pages((cont) => custom.listNamespacedCustomObject({ ...WF, namespace: 'page-b', limit: 400, ...(cont ? { _continue: cont } : {}) }));
    expect(ns.keys.length).toBe(1667);
    expect(ns.remaining).toEqual([1267, 867, 467, 67, undefined]);
  });

  it('pages with a label selector: exactly the matching objects', async () => {
    const { custom } = clients();
    const odd = await pages((cont) =>
      custom.listNamespacedCustomObject({ ...WF, namespace: 'page-a', limit: 300, labelSelector: 'parity=odd', ...(cont ? { _continue: cont } : {}) }),
    );
    const want = [...expected].filter((k) => k.startsWith('page-a/') && Number(k.slice(-5)) % 2 === 1);
    expect(odd.keys).toEqual(want.sort());
    expect(odd.remaining.every((r) => r === undefined)).toBe(true);
  });

  it('keeps every object that exists throughout exactly once while others come and go', async () => {
    const { custom } = clients();
    const store = api.server.store;
    let round = 0;
    const seen = await pages(async (cont) => {
      // Between pages: create objects on both sides of the cursor and delete some that are not in the stable set.
      round++;
      store.put(workflow('page-c', `aaa-churn-${round}`, { finalizers: [] }));
      store.put(workflow('page-c', `zzz-churn-${round}`, { finalizers: [] }));
      if (round > 2) store.remove({ kind: 'Workflow', namespace: 'page-c', name: `zzz-churn-${round - 2}` });
      return custom.listNamespacedCustomObject({ ...WF, namespace: 'page-c', limit: 250, ...(cont ? { _continue: cont } : {}) });
    });
    const stable = [...expected].filter((k) => k.startsWith('page-c/'));
    const got = seen.keys.filter((k) => k.includes('/wf-'));
    expect(got).toEqual(stable.sort());
    expect(new Set(seen.keys).size).toBe(seen.keys.length);
  });

  it('rejects a malformed continue token with 400', async () => {
    const err = await apiError(() => clients().custom.listNamespacedCustomObject({ ...WF, namespace: 'page-a', limit: 10, _continue: 'not-a-token' }));
    expect(err.code).toBe(400);
    expect(String(err.body.message)).toContain('continue key is not valid');
  });
});

describe('JSON patch', () => {
  it('removes the finalizer when every test op holds, keeping uid and creationTimestamp and bumping resourceVersion', async () => {
    api.server.store.put(workflow('jp', 'ok', { finalizers: ['example.com/keep', ARTIFACT_GC_FINALIZER] }));
    const before = await getWf('jp', 'ok');
    const after = (await clients().custom.patchNamespacedCustomObject(
      {
        ...WF,
        namespace: 'jp',
        name: 'ok',
        body: [
          { op: 'test', path: '/metadata/uid', value: before.metadata.uid },
          { op: 'test', path: '/metadata/finalizers/1', value: ARTIFACT_GC_FINALIZER },
          { op: 'remove', path: '/metadata/finalizers/1' },
        ],
      },
      jsonPatch,
    )) as Obj;
    expect(after.metadata.finalizers).toEqual(['example.com/keep']);
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(after.metadata.creationTimestamp).toBe(before.metadata.creationTimestamp);
    expect(Number(after.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
    expect(after.metadata.generation).toBe(1);
    const last = api.server.requests.at(-1);
    expect(last).toMatchObject({ method: 'PATCH', contentType: 'application/json-patch+json', user: REMEDIATOR, status: 200 });
  });

  it('answers a failed test with 422 and the exact Status a real server gives, leaving the object alone', async () => {
    api.server.store.put(workflow('jp', 'fails'));
    const before = await getWf('jp', 'fails');
    const err = await apiError(() =>
      clients().custom.patchNamespacedCustomObject(
        {
          ...WF,
          namespace: 'jp',
          name: 'fails',
          body: [
            { op: 'test', path: '/metadata/finalizers/0', value: 'example.com/other' },
            { op: 'remove', path: '/metadata/finalizers/0' },
          ],
        },
        jsonPatch,
      ),
    );
    expect(err.code).toBe(422);
    expect(err.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server rejected our request due to an error in our request',
      reason: 'Invalid',
      details: {},
      code: 422,
    });
    expect(api.server.requests.at(-1)?.note).toBe('testing value /metadata/finalizers/0 failed: test failed');
    const after = await getWf('jp', 'fails');
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(after.metadata.finalizers).toEqual([ARTIFACT_GC_FINALIZER]);
  });

  it('fails closed on a recreated namesake (uid test) and on an index past the end', async () => {
    api.server.store.put(workflow('jp', 'namesake'));
    const uidFail = await apiError(() =>
      clients().custom.patchNamespacedCustomObject(
        { ...WF, namespace: 'jp', name: 'namesake', body: [{ op: 'test', path: '/metadata/uid', value: 'the-old-uid' }, { op: 'remove', path: '/metadata/finalizers/0' }] },
        jsonPatch,
      ),
    );
    expect(uidFail.code).toBe(422);
    const indexFail = await apiError(() =>
      clients().custom.patchNamespacedCustomObject(
        { ...WF, namespace: 'jp', name: 'namesake', body: [{ op: 'remove', path: '/metadata/finalizers/3' }] },
        jsonPatch,
      ),
    );
    expect(indexFail.code).toBe(422);
    expect(api.server.requests.at(-1)?.note).toBe(
      "error in remove for path: '/metadata/finalizers/3': Unable to access invalid index: 3: invalid index referenced",
    );
  });

  it('rejects a body that is not a patch with 400, and a patch on a missing object with 404', async () => {
    api.server.store.put(workflow('jp', 'bad-body'));
    const bad = await apiError(() =>
      clients().custom.patchNamespacedCustomObject({ ...WF, namespace: 'jp', name: 'bad-body', body: { op: 'remove' } }, jsonPatch),
    );
    expect(bad.code).toBe(400);
    expect(bad.body.message).toBe('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
    const missing = await apiError(() =>
      clients().custom.patchNamespacedCustomObject({ ...WF, namespace: 'jp', name: 'ghost', body: [{ op: 'remove', path: '/metadata/finalizers/0' }] }, jsonPatch),
    );
    expect(missing.code).toBe(404);
  });

  it('refuses to change uid (422 Invalid) or name (400 BadRequest), like the real server', async () => {
    api.server.store.put(workflow('jp', 'immutable'));
    const uid = await apiError(() =>
      clients().custom.patchNamespacedCustomObject({ ...WF, namespace: 'jp', name: 'immutable', body: [{ op: 'replace', path: '/metadata/uid', value: 'x' }] }, jsonPatch),
    );
    expect(uid.code).toBe(422);
    expect(uid.body).toMatchObject({
      reason: 'Invalid',
      message: 'Workflow.argoproj.io "immutable" is invalid: metadata.uid: Invalid value: "x": field is immutable',
      details: { name: 'immutable', group: 'argoproj.io', kind: 'Workflow', causes: [{ reason: 'FieldValueInvalid', field: 'metadata.uid' }] },
    });
    const name = await apiError(() =>
      clients().custom.patchNamespacedCustomObject({ ...WF, namespace: 'jp', name: 'immutable', body: [{ op: 'replace', path: '/metadata/name', value: 'other' }] }, jsonPatch),
    );
    expect(name.code).toBe(400);
    expect(name.body.message).toBe('the name of the object (other) does not match the name on the URL (immutable)');
  });
});

describe('merge patch and update', () => {
  it('answers a stale resourceVersion with 409 Conflict and the real message', async () => {
    api.server.store.put(workflow('mp', 'stale'));
    const seen = await getWf('mp', 'stale');
    api.server.store.mutate({ kind: 'Workflow', namespace: 'mp', name: 'stale' }, (o) => {
      o.metadata.labels = { ...o.metadata.labels, touched: 'by-controller' };
    });
    const err = await apiError(() =>
      clients().custom.patchNamespacedCustomObject(
        { ...WF, namespace: 'mp', name: 'stale', body: { metadata: { resourceVersion: seen.metadata.resourceVersion, finalizers: null } } },
        mergePatch,
      ),
    );
    expect(err.code).toBe(409);
    expect(err.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'Operation cannot be fulfilled on workflows.argoproj.io "stale": the object has been modified; please apply your changes to the latest version and try again',
      reason: 'Conflict',
      details: { name: 'stale', group: 'argoproj.io', kind: 'workflows' },
      code: 409,
    });
  });

  it('applies a merge patch with the current resourceVersion (null deletes)', async () => {
    api.server.store.put(workflow('mp', 'fresh'));
    const seen = await getWf('mp', 'fresh');
    const after = (await clients().custom.patchNamespacedCustomObject(
      { ...WF, namespace: 'mp', name: 'fresh', body: { metadata: { resourceVersion: seen.metadata.resourceVersion, finalizers: null, labels: { extra: 'y' } } } },
      mergePatch,
    )) as Obj;
    expect(after.metadata.finalizers).toBeUndefined();
    expect(after.metadata.labels).toMatchObject({ extra: 'y', 'workflows.argoproj.io/phase': 'Succeeded' });
  });

  it('dryRun=All answers the patched object and stores nothing', async () => {
    api.server.store.put(workflow('mp', 'dry'));
    const before = await getWf('mp', 'dry');
    const preview = (await clients().custom.patchNamespacedCustomObject(
      { ...WF, namespace: 'mp', name: 'dry', dryRun: 'All', body: [{ op: 'remove', path: '/metadata/finalizers/0' }] },
      jsonPatch,
    )) as Obj;
    expect(preview.metadata.finalizers).toBeUndefined();
    expect(await getWf('mp', 'dry')).toEqual(before);
  });

  it('rejects strategic merge patch on a custom resource with 415, as CRDs do', async () => {
    api.server.store.put(workflow('mp', 'smp'));
    const err = await apiError(() =>
      clients().custom.patchNamespacedCustomObject(
        { ...WF, namespace: 'mp', name: 'smp', body: { metadata: { labels: { a: 'b' } } } },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      ),
    );
    expect(err.code).toBe(415);
    expect(err.body.message).toBe(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
  });

  it('PUT with a stale resourceVersion conflicts; with the current one it replaces', async () => {
    api.server.store.put(workflow('mp', 'put'));
    const admin = clients(api.server.adminToken).custom;
    const seen = (await admin.getNamespacedCustomObject({ ...WF, namespace: 'mp', name: 'put' })) as Obj;
    const updated = (await admin.replaceNamespacedCustomObject({
      ...WF,
      namespace: 'mp',
      name: 'put',
      body: { ...seen, spec: { entrypoint: 'other' } },
    })) as Obj;
    expect(updated.metadata.generation).toBe(2);
    const err = await apiError(() =>
      admin.replaceNamespacedCustomObject({ ...WF, namespace: 'mp', name: 'put', body: { ...seen, spec: { entrypoint: 'third' } } }),
    );
    expect(err.code).toBe(409);
    expect(err.body.reason).toBe('Conflict');
  });
});

describe('create', () => {
  it('creates with generateName, then answers AlreadyExists for a duplicate', async () => {
    const admin = clients(api.server.adminToken).custom;
    const body = workflow('create', '');
    (body.metadata as Record<string, unknown>).name = undefined;
    (body.metadata as Record<string, unknown>).generateName = 'gen-';
    const created = (await admin.createNamespacedCustomObject({ ...WF, namespace: 'create', body })) as Obj;
    expect(created.metadata.name).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(created.metadata.uid).toBeTruthy();
    const dup = await apiError(() => admin.createNamespacedCustomObject({ ...WF, namespace: 'create', body: workflow('create', created.metadata.name) }));
    expect(dup.code).toBe(409);
    expect(dup.body).toMatchObject({ reason: 'AlreadyExists', message: `workflows.argoproj.io "${created.metadata.name}" already exists` });
    const ns = await clients(api.server.adminToken).core.readNamespace({ name: 'create' });
    expect(ns.status?.phase).toBe('Active');
  });

  it('rejects an invalid name with 422 and a namespace mismatch with 400', async () => {
    const admin = clients(api.server.adminToken).custom;
    const bad = await apiError(() => admin.createNamespacedCustomObject({ ...WF, namespace: 'create', body: workflow('create', 'Bad_Name') }));
    expect(bad.code).toBe(422);
    expect(String(bad.body.message)).toMatch(/^Workflow\.argoproj\.io "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
    const mismatch = await apiError(() => admin.createNamespacedCustomObject({ ...WF, namespace: 'create', body: workflow('elsewhere', 'x') }));
    expect(mismatch.code).toBe(400);
    expect(mismatch.body.message).toBe('the namespace of the provided object does not match the namespace sent on the request');
  });
});

describe('deletion and finalizers', () => {
  it('marks an object with finalizers Terminating, and it disappears when the last finalizer is removed', async () => {
    api.server.store.put(workflow('del', 'stuck'));
    const admin = clients(api.server.adminToken).custom;
    const deleted = (await admin.deleteNamespacedCustomObject({ ...WF, namespace: 'del', name: 'stuck' })) as Obj;
    expect(deleted.metadata.deletionTimestamp).toMatch(/Z$/);
    expect(deleted.metadata.deletionGracePeriodSeconds).toBe(0);
    expect(deleted.metadata.generation).toBe(2);
    const terminating = await getWf('del', 'stuck');
    expect(terminating.metadata.deletionTimestamp).toBe(deleted.metadata.deletionTimestamp);
    expect(terminating.metadata.finalizers).toEqual([ARTIFACT_GC_FINALIZER]);

    const patched = (await clients().custom.patchNamespacedCustomObject(
      {
        ...WF,
        namespace: 'del',
        name: 'stuck',
        body: [
          { op: 'test', path: '/metadata/uid', value: terminating.metadata.uid },
          { op: 'test', path: '/metadata/finalizers/0', value: ARTIFACT_GC_FINALIZER },
          { op: 'remove', path: '/metadata/finalizers/0' },
        ],
      },
      jsonPatch,
    )) as Obj;
    expect(patched.metadata.finalizers).toBeUndefined();
    const gone = await apiError(() => getWf('del', 'stuck'));
    expect(gone.code).toBe(404);
  });

  it('deletes an object without finalizers at once, answering the Success Status custom resources give', async () => {
    api.server.store.put(workflow('del', 'free', { finalizers: [] }));
    const uid = (await getWf('del', 'free')).metadata.uid;
    const res = await clients(api.server.adminToken).custom.deleteNamespacedCustomObject({ ...WF, namespace: 'del', name: 'free' });
    expect(res).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: 'free', group: 'argoproj.io', kind: 'workflows', uid },
    });
    expect((await apiError(() => getWf('del', 'free'))).code).toBe(404);
  });

  it('forbids adding a finalizer to a terminating object (422)', async () => {
    api.server.store.put(workflow('del', 'no-new'));
    api.server.store.delete({ kind: 'Workflow', namespace: 'del', name: 'no-new' });
    const err = await apiError(() =>
      clients(api.server.adminToken).custom.patchNamespacedCustomObject(
        { ...WF, namespace: 'del', name: 'no-new', body: [{ op: 'add', path: '/metadata/finalizers/-', value: 'example.com/late' }] },
        jsonPatch,
      ),
    );
    expect(err.code).toBe(422);
    expect(err.body.message).toBe(
      'Workflow.argoproj.io "no-new" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/late"}',
    );
  });

  it('honours Foreground propagation and collects dependents the way the garbage collector does', async () => {
    const s = api.server.store;
    const owner = s.put(workflow('del', 'parent'));
    const ownerRef = { name: 'parent', uid: owner.metadata.uid ?? '' };
    s.put(gcPod('del', 'parent', 'Succeeded', ownerRef));
    s.put(gcTask('del', 'parent', ownerRef));
    const res = (await clients(api.server.adminToken).custom.deleteNamespacedCustomObject({
      ...WF,
      namespace: 'del',
      name: 'parent',
      propagationPolicy: 'Foreground',
    })) as Obj;
    expect(res.metadata.finalizers).toEqual([ARTIFACT_GC_FINALIZER, 'foregroundDeletion']);
    // Dependents were deleted, which released foregroundDeletion; artifact-gc still holds the owner.
    expect(s.list({ kind: 'Pod', namespace: 'del' })).toEqual([]);
    expect(s.list({ kind: 'WorkflowArtifactGCTask', namespace: 'del' })).toEqual([]);
    expect(s.get({ kind: 'Workflow', namespace: 'del', name: 'parent' })?.metadata.finalizers).toEqual([ARTIFACT_GC_FINALIZER]);
  });

  it('checks DeleteOptions preconditions', async () => {
    api.server.store.put(workflow('del', 'precond'));
    const err = await apiError(() =>
      clients(api.server.adminToken).custom.deleteNamespacedCustomObject({ ...WF, namespace: 'del', name: 'precond', body: { preconditions: { uid: 'other' } } }),
    );
    expect(err.code).toBe(409);
    expect(String(err.body.message)).toMatch(/^Operation cannot be fulfilled on workflows\.argoproj\.io "precond": Precondition failed: UID in precondition: other, UID in object meta: /);
  });
});

describe('authentication and authorization', () => {
  it('answers 401 without a token or with an unknown one', async () => {
    const res = await fetch(`${api.server.url}/apis/argoproj.io/v1alpha1/namespaces/argo/workflows`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
    const err = await apiError(() => clients('not-a-token').custom.listClusterCustomObject({ ...WF }));
    expect(err.code).toBe(401);
  });

  it('forbids a verb the ClusterRole lacks, with the real message', async () => {
    api.server.store.put(workflow('argo', 'protected'));
    const del = await apiError(() => clients().custom.deleteNamespacedCustomObject({ ...WF, namespace: 'argo', name: 'protected' }));
    expect(del.code).toBe(403);
    expect(del.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `workflows.argoproj.io "protected" is forbidden: User "${REMEDIATOR}" cannot delete resource "workflows" in API group "argoproj.io" in the namespace "argo"`,
      reason: 'Forbidden',
      details: { name: 'protected', group: 'argoproj.io', kind: 'workflows' },
      code: 403,
    });
    const update = await apiError(() =>
      clients().custom.replaceNamespacedCustomObject({ ...WF, namespace: 'argo', name: 'protected', body: workflow('argo', 'protected') }),
    );
    expect(update.code).toBe(403);
  });

  it('forbids reading secrets and listing namespaces (not served, but authorization comes first)', async () => {
    const secrets = await apiError(() => clients().core.listNamespacedSecret({ namespace: 'argo' }));
    expect(secrets.code).toBe(403);
    expect(secrets.body.message).toBe(
      `secrets is forbidden: User "${REMEDIATOR}" cannot list resource "secrets" in API group "" in the namespace "argo"`,
    );
    const namespaces = await apiError(() => clients().core.listNamespace());
    expect(namespaces.body.message).toBe(
      `namespaces is forbidden: User "${REMEDIATOR}" cannot list resource "namespaces" in API group "" at the cluster scope`,
    );
  });

  it('never records a token', () => {
    const log = JSON.stringify(api.server.requests);
    expect(log).not.toContain(api.server.token);
    expect(log).not.toContain(api.server.adminToken);
  });
});

describe('fault injection', () => {
  it('answers 503 once, then serves normally', async () => {
    api.server.store.put(workflow('faults', 'a'));
    const handle = api.server.faults.add({ kind: 'status', code: 503, times: 1, match: { method: 'GET', pathRegex: /\/workflows\/a$/ } });
    const err = await apiError(() => getWf('faults', 'a'));
    expect(err.code).toBe(503);
    expect(err.body).toMatchObject({ reason: 'ServiceUnavailable', code: 503 });
    expect((await getWf('faults', 'a')).metadata.name).toBe('a');
    expect(handle.hits).toBe(1);
    expect(api.server.requests.at(-2)).toMatchObject({ status: 503, faults: ['status:503'] });
  });

  it('answers 429 with a Retry-After header (Status body, or the plain text of priority and fairness)', async () => {
    api.server.faults.add({ kind: 'status', code: 429, retryAfterSeconds: 7, times: 1 });
    const err = await apiError(() => clients().custom.listClusterCustomObject({ ...WF, limit: 1 }));
    expect(err.code).toBe(429);
    expect(err.headers['retry-after']).toBe('7');
    expect(err.body).toMatchObject({ reason: 'TooManyRequests', details: { retryAfterSeconds: 7 } });

    api.server.faults.add({ kind: 'status', code: 429, retryAfterSeconds: 2, plainText: true, times: 1 });
    const res = await fetch(`${api.server.url}/version`, { headers: { authorization: `Bearer ${api.server.token}` } });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(await res.text()).toBe('Too many requests, please try again later.\n');
  });

  it('drops the connection: the client sees a transport error, not an ApiException', async () => {
    api.server.faults.add({ kind: 'drop', times: 1 });
    const error = await clients()
      .custom.listClusterCustomObject({ ...WF, limit: 1 })
      .then(() => undefined, (e: unknown) => e as Error & { code?: string; name?: string });
    expect(error).toBeDefined();
    expect(error?.constructor.name).not.toBe('ApiException');
    expect(error?.code).toBe('ECONNRESET');
  });

  it('answers 500 with an InternalError Status', async () => {
    api.server.faults.add({ kind: 'status', code: 500, times: 1, message: 'etcdserver: request timed out' });
    const err = await apiError(() => clients().custom.listClusterCustomObject({ ...WF, limit: 1 }));
    expect(err.code).toBe(500);
    expect(err.body).toMatchObject({ reason: 'InternalError', message: 'Internal error occurred: etcdserver: request timed out' });
  });

  it('hangs a request until the client gives up', async () => {
    api.server.faults.add({ kind: 'hang', times: 1, match: { pathRegex: '^/version$' } });
    const before = api.server.requests.length;
    const ctrl = new AbortController();
    const pending = fetch(`${api.server.url}/version`, { headers: { authorization: `Bearer ${api.server.token}` }, signal: ctrl.signal });
    for (let i = 0; i < 200 && !api.server.requests.slice(before).some((r) => r.faults?.includes('hang')); i++) {
      await sleep(5);
    }
    ctrl.abort();
    await expect(pending).rejects.toThrow(/abort/i);
    expect(api.server.requests.slice(before).find((r) => r.path === '/version')).toMatchObject({ status: 0, faults: ['hang'] });
  });

  it('adds latency without changing the answer', async () => {
    api.server.store.put(workflow('faults', 'slow'));
    const h = api.server.faults.add({ kind: 'latency', ms: 20, times: 1 });
    expect((await getWf('faults', 'slow')).metadata.name).toBe('slow');
    expect(h.hits).toBe(1);
  });

  it('lets a hook change the object between a GET and a PATCH, so the guarded patch fails closed', async () => {
    const store = api.server.store;
    store.put(workflow('faults', 'raced'));
    const seen = await getWf('faults', 'raced');
    api.server.faults.onBeforeWrite(
      ({ store: s }) => {
        // The controller recreated the Workflow under the same name: new uid, same finalizer.
        s.remove({ kind: 'Workflow', namespace: 'faults', name: 'raced' });
        s.put(workflow('faults', 'raced'));
      },
      { times: 1, pathRegex: /\/workflows\/raced$/ },
    );
    const err = await apiError(() =>
      clients().custom.patchNamespacedCustomObject(
        {
          ...WF,
          namespace: 'faults',
          name: 'raced',
          body: [
            { op: 'test', path: '/metadata/uid', value: seen.metadata.uid },
            { op: 'test', path: '/metadata/finalizers/0', value: ARTIFACT_GC_FINALIZER },
            { op: 'remove', path: '/metadata/finalizers/0' },
          ],
        },
        jsonPatch,
      ),
    );
    expect(err.code).toBe(422);
    const now = store.get({ kind: 'Workflow', namespace: 'faults', name: 'raced' });
    expect(now?.metadata.uid).not.toBe(seen.metadata.uid);
    expect(now?.metadata.finalizers).toEqual([ARTIFACT_GC_FINALIZER]);
  });
});

describe('kubeconfig', () => {
  it('writes a kubeconfig client-node can load as is', async () => {
    const { path, yaml } = api.server.kubeconfig({ namespace: 'argo' });
    expect(yaml).toContain('current-context: local');
    expect(yaml).toContain(api.server.url);
    const kc = new KubeConfig();
    kc.loadFromFile(path);
    expect(kc.getContextObject('local')?.namespace).toBe('argo');
    const list = (await kc.makeApiClient(CustomObjectsApi).listClusterCustomObject({ ...WF, limit: 1 })) as { items: unknown[] };
    expect(Array.isArray(list.items)).toBe(true);
  });
});

describe('discovery', () => {
  async function get(path: string): Promise<Record<string, unknown>> {
    const res = await fetch(`${api.server.url}${path}`, { headers: { authorization: `Bearer ${api.server.token}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  }

  it('serves /version, /api, /apis and the argoproj.io resource list', async () => {
    expect(await get('/version')).toMatchObject({ major: '1', minor: '32' });
    expect(await get('/api')).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await get('/apis')) as { groups: { name: string }[] };
    expect(groups.groups.map((g) => g.name)).toContain('argoproj.io');
    const resources = (await get('/apis/argoproj.io/v1alpha1')) as { resources: Record<string, unknown>[] };
    expect(resources.resources).toEqual([
      expect.objectContaining({ name: 'workflows', kind: 'Workflow', namespaced: true, shortNames: ['wf'] }),
      expect.objectContaining({ name: 'workflowartifactgctasks', kind: 'WorkflowArtifactGCTask', namespaced: true, shortNames: ['wfat'] }),
    ]);
    const core = (await get('/api/v1')) as { resources: { name: string }[] };
    expect(core.resources.map((r) => r.name)).toEqual(['pods', 'pods/log', 'namespaces', 'events']);
  });

  it('returns a meta.k8s.io/v1 Table when asked, as kubectl does', async () => {
    api.server.store.put(workflow('table', 'shown'));
    const res = await fetch(`${api.server.url}/apis/argoproj.io/v1alpha1/namespaces/table/workflows`, {
      headers: {
        authorization: `Bearer ${api.server.token}`,
        accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
      },
    });
    const table = (await res.json()) as { kind: string; columnDefinitions: { name: string }[]; rows: { cells: unknown[]; object: { kind: string } }[] };
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Status', 'Age', 'Message']);
    expect(table.rows[0]?.cells.slice(0, 2)).toEqual(['shown', 'Succeeded']);
    expect(table.rows[0]?.object.kind).toBe('PartialObjectMetadata');
  });
});

describe('over HTTPS with the generated CA', () => {
  const tls = withApiServer({ tls: true, seed: [workflow('argo', 'secure')] });

  it('verifies the server certificate against caData', async () => {
    expect(tls.server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(Buffer.from(tls.server.caData ?? '', 'base64').toString()).toContain('BEGIN CERTIFICATE');
    const custom = kubeConfigFor(tls.server).makeApiClient(CustomObjectsApi);
    const wf = (await custom.getNamespacedCustomObject({ ...WF, namespace: 'argo', name: 'secure' })) as Obj;
    expect(wf.metadata.name).toBe('secure');
  });

  it('fails TLS verification without the CA', async () => {
    const kc = kubeConfigFor(tls.server);
    kc.loadFromOptions({
      clusters: [{ name: 'local', server: tls.server.url, skipTLSVerify: false }],
      users: [{ name: 'local', token: tls.server.token }],
      contexts: [{ name: 'local', cluster: 'local', user: 'local' }],
      currentContext: 'local',
    });
    const error = await kc
      .makeApiClient(CustomObjectsApi)
      .getNamespacedCustomObject({ ...WF, namespace: 'argo', name: 'secure' })
      .then(() => undefined, (e: unknown) => e as { code?: string });
    expect(error?.code).toMatch(/CERT|SIGNATURE|ISSUER/);
  });
});
