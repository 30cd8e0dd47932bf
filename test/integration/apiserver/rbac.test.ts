import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { authorize, userInfo, type RequestAttributes } from '../../../src/local/apiserver/authz.js';
import { REMEDIATOR_USER, defaultRbacFiles, loadRbac, startApiServer, type LocalApiServer } from '../../../src/local/apiserver/index.js';
import { kubeConfigFor } from '../../helpers/apiserver.js';
import { WF, apiError, workflow } from './fixtures.js';

/** infra/rbac: the remediator's ClusterRole grants exactly what ClusterPort needs, to both bound identities. */

const policy = loadRbac(undefined);
const IAM_USER = 'arn:aws:sts::111122223333:assumed-role/argo-finalizer-remediator-lambda/evaluate';

function attrs(verb: string, apiGroup: string, resource: string, namespace = 'argo', name = '', subresource = ''): RequestAttributes {
  return { verb, isResourceRequest: true, path: '', apiGroup, apiVersion: '', resource, subresource, namespace, name };
}

const GRANTED = new Set([
  'get argoproj.io/workflows',
  'list argoproj.io/workflows',
  'patch argoproj.io/workflows',
  'get argoproj.io/workflowartifactgctasks',
  'list argoproj.io/workflowartifactgctasks',
  'get /pods',
  'list /pods',
  // The evidence bundle (README "Evidence bundle and intent record"): GC pod logs and the Events about the Workflow and its GC pods.
  'get /pods/log',
  'list /events',
]);
const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
const RESOURCES: [string, string][] = [
  ['argoproj.io', 'workflows'],
  ['argoproj.io', 'workflowartifactgctasks'],
  ['argoproj.io', 'workflowtemplates'],
  ['argoproj.io', 'cronworkflows'],
  ['', 'pods'],
  ['', 'secrets'],
  ['', 'configmaps'],
  ['', 'namespaces'],
  ['', 'events'],
  ['', 'pods/log'],
  ['', 'pods/exec'],
];

describe('the ClusterRole in infra/rbac', () => {
  it('loads one ClusterRole and one ClusterRoleBinding from the manifests', () => {
    expect(defaultRbacFiles().map((f) => f.split('/').slice(-3).join('/'))).toEqual(['infra/rbac/clusterrole.yaml', 'infra/rbac/clusterrolebinding.yaml']);
    expect(policy.roles.map((r) => `${r.kind}/${r.metadata.name}`)).toEqual(['ClusterRole/argo-finalizer-remediator']);
    expect(policy.bindings.map((b) => b.subjects.map((s) => `${s.kind}:${s.namespace ?? ''}:${s.name}`))).toEqual([
      ['Group::argo-finalizer-remediator', 'ServiceAccount:argo:argo-finalizer-remediator'],
    ]);
  });

  it.each([
    ['the ServiceAccount', userInfo(REMEDIATOR_USER)],
    ['an IAM role mapped to the group by an EKS access entry', userInfo(IAM_USER, ['argo-finalizer-remediator'])],
  ])('grants %s exactly get/list/patch workflows, get/list GC tasks and pods, get pod logs, list events, in any namespace', (_who, user) => {
    for (const [group, path] of RESOURCES) {
      const [resource = '', subresource = ''] = path.split('/');
      for (const verb of VERBS) {
        for (const ns of ['argo', 'data', '']) {
          const want = GRANTED.has(`${verb} ${group}/${path}`);
          expect(authorize(policy, user, attrs(verb, group, resource, ns, subresource ? 'x' : '', subresource)).allowed, `${verb} ${group}/${path} ns=${ns}`).toBe(want);
        }
      }
    }
    expect(authorize(policy, user, attrs('patch', 'argoproj.io', 'workflows', 'argo', 'x', 'status')).allowed).toBe(false);
    expect(authorize(policy, user, attrs('get', '', 'pods', 'argo', 'x', 'log')).allowed).toBe(true);
    expect(authorize(policy, user, attrs('get', '', 'pods', 'argo', 'x', 'exec')).allowed).toBe(false);
  });

  it('grants nothing to another service account or an unmapped IAM role', () => {
    for (const user of [userInfo('system:serviceaccount:argo:argo-server'), userInfo(IAM_USER), userInfo('system:serviceaccount:other:argo-finalizer-remediator')]) {
      expect(authorize(policy, user, attrs('get', 'argoproj.io', 'workflows')).allowed).toBe(false);
    }
  });

  it('lets every authenticated user read discovery, nothing else by path', () => {
    const user = userInfo('nobody');
    const path = (p: string): RequestAttributes => ({ ...attrs('get', '', ''), isResourceRequest: false, path: p });
    expect(authorize(policy, user, path('/apis/argoproj.io/v1alpha1')).allowed).toBe(true);
    expect(authorize(policy, user, path('/version')).allowed).toBe(true);
    expect(authorize(policy, user, path('/metrics')).allowed).toBe(false);
  });
});

describe('RBAC over HTTP', () => {
  const servers: LocalApiServer[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'rbac-test-'));
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('authorizes an EKS-mapped IAM identity through the group binding', async () => {
    const s = await startApiServer({ tokens: { 'iam-token': IAM_USER }, groups: { [IAM_USER]: ['argo-finalizer-remediator'] }, seed: [workflow('data', 'w')] });
    servers.push(s);
    const custom = kubeConfigFor(s).makeApiClient(CustomObjectsApi);
    const patched = (await custom.patchNamespacedCustomObject(
      { ...WF, namespace: 'data', name: 'w', body: [{ op: 'remove', path: '/metadata/finalizers/0' }] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    )) as { metadata: { finalizers?: string[] } };
    expect(patched.metadata.finalizers).toBeUndefined();
    const denied = await apiError(() => custom.deleteNamespacedCustomObject({ ...WF, namespace: 'data', name: 'w' }));
    expect(denied.body.message).toBe(
      `workflows.argoproj.io "w" is forbidden: User "${IAM_USER}" cannot delete resource "workflows" in API group "argoproj.io" in the namespace "data"`,
    );
  });

  it('reads RBAC from a multi-document YAML path, with resourceNames and a RoleBinding', async () => {
    const path = join(dir, 'rbac.yaml');
    writeFileSync(
      path,
      [
        readFileSync(defaultRbacFiles()[0] ?? '', 'utf8'),
        `---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: one-workflow, namespace: data }
rules:
  - apiGroups: [argoproj.io]
    resources: [workflows]
    verbs: [delete]
    resourceNames: [deletable]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: one-workflow, namespace: data }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: one-workflow }
subjects:
  - { kind: User, name: alice, apiGroup: rbac.authorization.k8s.io }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: ignored, namespace: data }
`,
      ].join('\n---\n'),
    );
    const s = await startApiServer({
      rbac: path,
      tokens: { alice: 'alice' },
      seed: [workflow('data', 'deletable', { finalizers: [] }), workflow('data', 'kept', { finalizers: [] }), workflow('other', 'deletable', { finalizers: [] })],
    });
    servers.push(s);
    const custom = kubeConfigFor(s).makeApiClient(CustomObjectsApi);
    await custom.deleteNamespacedCustomObject({ ...WF, namespace: 'data', name: 'deletable' });
    expect((await apiError(() => custom.deleteNamespacedCustomObject({ ...WF, namespace: 'data', name: 'kept' }))).code).toBe(403);
    expect((await apiError(() => custom.deleteNamespacedCustomObject({ ...WF, namespace: 'other', name: 'deletable' }))).code).toBe(403);
    // The ClusterRole is in the file but bound to nobody here.
    expect((await apiError(() => custom.listClusterCustomObject({ ...WF }))).code).toBe(403);
  });

  it('enforces nothing with authorize: false, and still requires a token', async () => {
    const s = await startApiServer({ authorize: false, seed: [workflow('argo', 'w', { finalizers: [] })] });
    servers.push(s);
    const custom = kubeConfigFor(s).makeApiClient(CustomObjectsApi);
    await custom.deleteNamespacedCustomObject({ ...WF, namespace: 'argo', name: 'w' });
    expect((await apiError(() => kubeConfigFor(s, 'wrong').makeApiClient(CustomObjectsApi).listClusterCustomObject({ ...WF }))).code).toBe(401);
  });
});
