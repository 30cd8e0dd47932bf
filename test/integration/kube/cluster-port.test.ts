import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeEach, describe, expect, it } from 'vitest';
import { planFinalizerRemoval } from '../../../src/domain/patch.js';
import { presignEksToken } from '../../../src/kube/auth/eks-token.js';
import { kubeConfigFromToken } from '../../../src/kube/auth/token.js';
import { KubeClusterPort } from '../../../src/kube/cluster-port.js';
import { KubeError, KubeForbiddenError, KubeTransientError, KubeUnauthorizedError } from '../../../src/kube/errors.js';
import { InvalidWorkflowKeyError } from '../../../src/kube/names.js';
import { portFor } from '../../../src/kube/port-for.js';
import { REMEDIATOR_USER } from '../../../src/local/apiserver/index.js';
import { allSeeds, etlWorkflowB, GC, parentWorkflowA } from './fixtures.js';
import { type LocalApiServer, portOn, startLocalCluster, useLocalCluster, WORKFLOW_PATH } from './local-cluster.js';

const A = { namespace: 'argo-workflows', name: 'parent-wf-7xk2p' };
const B = { namespace: 'data', name: 'etl-run-q8h2d' };
const A_PATH = WORKFLOW_PATH(A.namespace, A.name);

const cluster = useLocalCluster({ seed: allSeeds() });
let server: LocalApiServer;
beforeEach(() => {
  server = cluster();
});

const reseedA = (opts: Parameters<typeof parentWorkflowA>[0] = {}) => server.store.put(parentWorkflowA(opts));

describe('snapshot', () => {
  it('reads the Workflow, its artifact-GC pods by label and its GC tasks by owner uid, as raw JSON', async () => {
    const { port } = portOn(server);
    const snap = await port.snapshot(B);
    expect(snap).not.toBeNull();
    expect((snap!.workflow['metadata'] as { uid: string }).uid).toBe('0f6c2a9b-51e4-4b3e-9d1a-7c2f9e8b4d21');
    // The Workflow's own (non-GC) pod carries the workflow label too and must not be picked up.
    expect(snap!.pods.map((p) => (p['metadata'] as { name: string }).name)).toEqual(['etl-run-q8h2d-artgc-wfdel-1104873411']);
    // Timestamps stay strings: the client's typed Pod model would have turned them into Date objects.
    const pod = snap!.pods[0]!;
    expect((pod['metadata'] as { creationTimestamp: unknown }).creationTimestamp).toBe('2026-08-18T09:00:03Z');
    expect(pod['status']).toMatchObject({ phase: 'Failed', containerStatuses: [{ state: { terminated: { finishedAt: '2026-08-18T09:00:09Z' } } }] });
    // The task of another Workflow in the same namespace is filtered out.
    expect(snap!.tasks.map((t) => (t['metadata'] as { name: string }).name)).toEqual(['etl-run-q8h2d-artgc-wfdel-1104873411-0']);

    const podList = server.requests.find((r) => r.path === '/api/v1/namespaces/data/pods');
    expect(podList?.query['labelSelector']).toBe('workflows.argoproj.io/workflow=etl-run-q8h2d,workflows.argoproj.io/component=artifact-gc');
    expect(podList?.query['limit']).toBe('500');
    const taskList = server.requests.find((r) => r.path === '/apis/argoproj.io/v1alpha1/namespaces/data/workflowartifactgctasks');
    expect(taskList?.query['labelSelector']).toBeUndefined();
  });

  it('pages through the GC tasks of a busy namespace', async () => {
    const { port } = portOn(server, { pageSize: 2 });
    for (let i = 0; i < 5; i++) {
      server.store.put({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'WorkflowArtifactGCTask',
        metadata: { name: `noise-${i}`, namespace: 'data', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: `noise-owner-${i}` }] },
        spec: {},
      });
    }
    try {
      const snap = await port.snapshot(B);
      expect(snap!.tasks.map((t) => (t['metadata'] as { ownerReferences: { uid: string }[] }).ownerReferences[0]!.uid)).toEqual([
        (etlWorkflowB()['metadata'] as { uid: string }).uid,
      ]);
      // 7 tasks in the namespace at 2 a page: 4 pages.
      expect(server.requests.filter((r) => r.path.endsWith('/workflowartifactgctasks'))).toHaveLength(4);
    } finally {
      for (let i = 0; i < 5; i++) server.store.remove({ kind: 'WorkflowArtifactGCTask', namespace: 'data', name: `noise-${i}` });
    }
  });

  it('returns null for a Workflow that does not exist', async () => {
    const { port } = portOn(server);
    expect(await port.snapshot({ namespace: 'data', name: 'never-was' })).toBeNull();
  });

  it('refuses names that are not DNS-1123 before any request is made', async () => {
    const { port } = portOn(server);
    await expect(port.snapshot({ namespace: 'data', name: '../pods/x' })).rejects.toBeInstanceOf(InvalidWorkflowKeyError);
    await expect(port.removeFinalizer({ namespace: 'Data', name: 'x' }, [])).rejects.toBeInstanceOf(InvalidWorkflowKeyError);
    expect(server.requests).toHaveLength(0);
  });
});

/** What a read of A would have pinned the patch to. */
const storedRv = (): string => server.store.get({ kind: 'Workflow', ...A })?.metadata.resourceVersion ?? '1';

describe('removeFinalizer', () => {
  it('sends exactly the planned JSON patch and removes only the artifact-GC finalizer, others intact and in order', async () => {
    const finalizers = ['example.com/first', GC, 'example.com/last'];
    reseedA({ finalizers, deleting: false });
    const { port } = portOn(server);
    const rv = storedRv();
    const patch = planFinalizerRemoval({ uid: '5b0f3c1e-8d7a-4c55-9a52-2f6b1f0e9a11', resourceVersion: rv, finalizers })!;
    const outcome = await port.removeFinalizer(A, patch);
    expect(outcome.kind).toBe('patched');
    expect(outcome.status).toBe(200);

    const sent = server.requests.filter((r) => r.method === 'PATCH');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.path).toBe(A_PATH);
    expect(sent[0]!.contentType).toBe('application/json-patch+json');
    expect(sent[0]!.user).toBe(REMEDIATOR_USER);
    expect(sent[0]!.body).toEqual([
      { op: 'test', path: '/metadata/uid', value: '5b0f3c1e-8d7a-4c55-9a52-2f6b1f0e9a11' },
      { op: 'test', path: '/metadata/resourceVersion', value: rv },
      { op: 'test', path: '/metadata/finalizers/1', value: GC },
      { op: 'remove', path: '/metadata/finalizers/1' },
    ]);
    const stored = server.store.get({ kind: 'Workflow', ...A })!;
    expect(stored.metadata.finalizers).toEqual(['example.com/first', 'example.com/last']);
  });

  it('lets a terminating Workflow go once its last finalizer is removed', async () => {
    reseedA({ deleting: true });
    expect(server.store.get({ kind: 'Workflow', ...A })?.metadata.deletionTimestamp).toBe('2024-09-05T01:20:00Z');
    const { port } = portOn(server);
    const outcome = await port.removeFinalizer(A, planFinalizerRemoval({ uid: '5b0f3c1e-8d7a-4c55-9a52-2f6b1f0e9a11', resourceVersion: storedRv(), finalizers: [GC] })!);
    expect(outcome.kind).toBe('patched');
    expect(server.store.get({ kind: 'Workflow', ...A })).toBeUndefined();
    expect(await port.snapshot(A)).toBeNull();
  });

  it('reports a failed test (the object changed) as a 422 conflict, and changes nothing', async () => {
    reseedA({ finalizers: ['example.com/new', GC], deleting: false });
    const { port } = portOn(server);
    const stale = planFinalizerRemoval({ uid: '5b0f3c1e-8d7a-4c55-9a52-2f6b1f0e9a11', resourceVersion: storedRv(), finalizers: [GC] })!;
    const outcome = await port.removeFinalizer(A, stale);
    expect(outcome).toMatchObject({ kind: 'conflict', status: 422 });
    expect(server.store.get({ kind: 'Workflow', ...A })!.metadata.finalizers).toEqual(['example.com/new', GC]);
  });

  it('reports a recreated namesake (other uid) as a conflict', async () => {
    reseedA({ deleting: false });
    const { port } = portOn(server);
    const outcome = await port.removeFinalizer(A, planFinalizerRemoval({ uid: 'an-older-uid', resourceVersion: storedRv(), finalizers: [GC] })!);
    expect(outcome.kind).toBe('conflict');
  });

  it('reports a Workflow deleted meanwhile as gone (404)', async () => {
    const { port } = portOn(server);
    const outcome = await port.removeFinalizer({ namespace: 'data', name: 'never-was' }, planFinalizerRemoval({ uid: 'u', resourceVersion: '1', finalizers: [GC] })!);
    expect(outcome).toEqual({ kind: 'gone', status: 404, attempts: 1 });
  });
});

describe('candidates', () => {
  it('yields only finalizer-carrying Workflows, in one namespace or in all', async () => {
    reseedA();
    const { port } = portOn(server);
    const names = async (scope: Parameters<typeof port.candidates>[0]) => {
      const out: string[] = [];
      for await (const wf of port.candidates(scope)) out.push((wf['metadata'] as { name: string }).name);
      return out.sort();
    };
    expect(await names({ allNamespaces: true })).toEqual(['etl-run-q8h2d', 'nightly-report-5jz7c', 'parent-wf-7xk2p']);
    expect(await names({ namespace: 'data' })).toEqual(['etl-run-q8h2d']);
    expect(await names({ namespace: 'empty-ns' })).toEqual([]);
    expect(server.requests.some((r) => r.path === '/apis/argoproj.io/v1alpha1/workflows')).toBe(true);
  });

  it('pages through 5,000 Workflows with limit/continue and returns exactly the finalizer-carrying ones', async () => {
    const big = await startLocalCluster();
    try {
      const expected = new Set<string>();
      for (let i = 0; i < 5000; i++) {
        const name = `wf-${String(i).padStart(4, '0')}`;
        const carries = i % 7 === 3;
        if (carries) expected.add(`ns-${i % 5}/${name}`);
        big.store.put({
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Workflow',
          metadata: { name, namespace: `ns-${i % 5}`, ...(carries ? { finalizers: ['example.com/keep', GC] } : i % 11 === 0 ? { finalizers: ['example.com/other'] } : {}) },
          spec: { entrypoint: 'main', templates: [] },
          status: { phase: 'Succeeded' },
        });
      }
      const { port } = portOn(big);
      const seen: string[] = [];
      for await (const wf of port.candidates({ allNamespaces: true }, { pageSize: 500 })) {
        const m = wf['metadata'] as { namespace: string; name: string };
        seen.push(`${m.namespace}/${m.name}`);
      }
      expect(seen).toHaveLength(expected.size);
      expect(new Set(seen)).toEqual(expected);
      const lists = big.requests.filter((r) => r.method === 'GET' && r.path === '/apis/argoproj.io/v1alpha1/workflows');
      expect(lists).toHaveLength(10);
      expect(lists.every((r) => r.query['limit'] === '500')).toBe(true);
      expect(lists[0]!.query['continue']).toBeUndefined();
      expect(lists.slice(1).every((r) => typeof r.query['continue'] === 'string' && r.query['continue'].length > 0)).toBe(true);
    } finally {
      await big.close();
    }
  });

  it('validates the namespace of the scope', async () => {
    const { port } = portOn(server);
    const it = port.candidates({ namespace: 'not a namespace' })[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toBeInstanceOf(InvalidWorkflowKeyError);
  });
});

describe('errors and retries on the wire', () => {
  it('403 is a configuration error naming the missing verb, resource and namespace; never retried', async () => {
    const readOnly = await startLocalCluster({
      seed: [parentWorkflowA({ deleting: false })],
      rbac: {
        clusterRoles: [
          { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'ro' }, rules: [{ apiGroups: ['argoproj.io'], resources: ['workflows'], verbs: ['get', 'list'] }] },
        ],
        bindings: [
          {
            apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'ro' },
            roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'ro' },
            subjects: [{ kind: 'ServiceAccount', name: 'argo-finalizer-remediator', namespace: 'argo' }],
          },
        ],
      },
    });
    try {
      const { port, sleeps } = portOn(readOnly);
      const patchErr = await port
        .removeFinalizer(A, planFinalizerRemoval({ uid: '5b0f3c1e-8d7a-4c55-9a52-2f6b1f0e9a11', resourceVersion: storedRv(), finalizers: [GC] })!)
        .catch((e: unknown) => e);
      expect(patchErr).toBeInstanceOf(KubeForbiddenError);
      const forbidden = patchErr as KubeForbiddenError;
      expect(forbidden.retryable).toBe(false);
      expect(forbidden.verb).toBe('patch');
      expect(forbidden.resource).toBe('workflows.argoproj.io');
      expect(forbidden.namespace).toBe('argo-workflows');
      expect(forbidden.message).toMatch(/cannot patch workflows\.argoproj\.io in namespace "argo-workflows"/);
      // The snapshot's pod list is the next thing this role lacks.
      const snapErr = (await port.snapshot(A).catch((e: unknown) => e)) as KubeForbiddenError;
      expect(snapErr).toBeInstanceOf(KubeForbiddenError);
      expect(snapErr.message).toMatch(/cannot list (pods|workflowartifactgctasks\.argoproj\.io) in namespace "argo-workflows"/);
      expect(readOnly.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
      expect(sleeps).toEqual([]);
    } finally {
      await readOnly.close();
    }
  });

  it('401 is not retried and never shows the token', async () => {
    const { port, sleeps } = portOn(server, { token: 'not-a-valid-token' });
    const err = await port.snapshot(B).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeUnauthorizedError);
    expect((err as Error).message).not.toContain('not-a-valid-token');
    expect(sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('429 with Retry-After is honoured: the retry waits at least that long, then succeeds', async () => {
    server.faults.add({ kind: 'status', code: 429, retryAfterSeconds: 3, match: { method: 'GET', pathRegex: `^${WORKFLOW_PATH(B.namespace, B.name)}$` }, times: 1 });
    const { port, sleeps } = portOn(server);
    const snap = await port.snapshot(B);
    expect(snap).not.toBeNull();
    const gets = server.requests.filter((r) => r.path === WORKFLOW_PATH(B.namespace, B.name));
    expect(gets.map((r) => r.status)).toEqual([429, 200]);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(3000);
  });

  it('429 answered in plain text (priority and fairness) is handled the same way', async () => {
    server.faults.add({ kind: 'status', code: 429, retryAfterSeconds: 1, plainText: true, match: { method: 'GET' }, times: 2 });
    const { port, sleeps } = portOn(server);
    expect(await port.snapshot(B)).not.toBeNull();
    expect(sleeps.every((ms) => ms >= 1000)).toBe(true);
    expect(sleeps).toHaveLength(2);
  });

  it('5xx is retried with backoff, then surfaces as a retryable KubeTransientError', async () => {
    server.faults.add({ kind: 'status', code: 503, match: { method: 'GET' } });
    const { port, sleeps } = portOn(server);
    const err = await port.snapshot(B).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeTransientError);
    expect((err as KubeTransientError).retryable).toBe(true);
    expect((err as KubeTransientError).status).toBe(503);
    expect((err as KubeTransientError).attempts).toBe(4);
    expect(server.requests.filter((r) => r.path === WORKFLOW_PATH(B.namespace, B.name))).toHaveLength(4);
    expect(sleeps).toEqual([100, 200, 400]); // full jitter at random() = 0.5: 0.5 * 200 * 2^n
  });

  it('a 5xx on a PATCH is retried safely: a replay of an applied patch fails its test instead of removing twice', async () => {
    reseedA({ finalizers: [GC, 'example.com/keep'], deleting: false });
    server.faults.add({ kind: 'status', code: 500, match: { method: 'PATCH' }, times: 1 });
    const { port } = portOn(server);
    const outcome = await port.removeFinalizer(A, planFinalizerRemoval({ uid: '5b0f3c1e-8d7a-4c55-9a52-2f6b1f0e9a11', resourceVersion: storedRv(), finalizers: [GC, 'example.com/keep'] })!);
    expect(outcome.kind).toBe('patched');
    expect(server.requests.filter((r) => r.method === 'PATCH').map((r) => r.status)).toEqual([500, 200]);
    expect(server.store.get({ kind: 'Workflow', ...A })!.metadata.finalizers).toEqual(['example.com/keep']);
  });

  it('a hung request times out and is retried', async () => {
    server.faults.add({ kind: 'hang', match: { method: 'GET', pathRegex: `^${WORKFLOW_PATH(B.namespace, B.name)}$` }, times: 1 });
    const { port, sleeps } = portOn(server, { timeoutMs: 250 });
    expect(await port.snapshot(B)).not.toBeNull();
    expect(sleeps).toHaveLength(1);
  });

  it('requests that keep hanging end in a KubeTransientError of kind timeout', async () => {
    server.faults.add({ kind: 'hang', match: { method: 'GET' } });
    const { port } = portOn(server, { timeoutMs: 100, retry: { attempts: 2 } });
    const err = await port.snapshot(B).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeTransientError);
    expect((err as KubeError).kind).toBe('timeout');
    expect((err as Error).message).toMatch(/timed out.*gave up after 2 attempts/);
  });

  it('dropped connections are retried', async () => {
    server.faults.add({ kind: 'drop', match: { method: 'GET' }, times: 2 });
    const { port, sleeps } = portOn(server);
    expect(await port.snapshot(B)).not.toBeNull();
    expect(sleeps).toHaveLength(2);
  });

  it('an unreachable cluster is a transient transport error naming the cause', async () => {
    const gone = await startLocalCluster();
    const { port } = portOn(gone, { retry: { attempts: 2 } });
    await gone.close();
    const err = await port.snapshot(B).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeTransientError);
    expect((err as KubeError).kind).toBe('transport');
    expect((err as Error).message).toMatch(/cluster unreachable: .*ECONNREFUSED/);
  });
});

describe('auth on the wire', () => {
  it('EKS: sends a k8s-aws-v1 token minted from IAM credentials over TLS with the configured CA', async () => {
    const signingDate = new Date('2026-08-20T06:30:00Z');
    const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', sessionToken: 'session' };
    const staleCredentials = { ...credentials, secretAccessKey: 'rotated-away' };
    const clusterName = 'prod-eks';
    // The local server cannot call STS; it accepts the exact token the adapter must mint (signatures are
    // deterministic for fixed credentials and clock), mapped like an EKS access entry maps the role.
    const token = await presignEksToken({ clusterName, region: 'eu-west-1', credentials, signingDate });
    const roleUser = 'arn:aws:sts::111122223333:assumed-role/afr-evaluate/lambda';
    const eks = await startLocalCluster({
      tls: true,
      tokens: { [token]: roleUser },
      groups: { [roleUser]: ['argo-finalizer-remediator'] },
      seed: [etlWorkflowB()],
    });
    try {
      let calls = 0;
      const port = portFor(
        { type: 'eks', clusterName, region: 'eu-west-1', server: eks.url, caData: eks.caData! },
        {
          // The first credentials are stale (their token is refused with 401): the adapter must mint a new
          // token and try once more.
          eks: { now: () => signingDate, credentials: async () => (++calls === 1 ? staleCredentials : credentials) },
          rateLimit: { qps: 1000, burst: 1000 },
        },
      );
      const snap = await port.snapshot(B);
      expect(snap).not.toBeNull();
      const statuses = eks.requests.map((r) => r.status);
      expect(statuses[0]).toBe(401);
      expect(eks.requests.filter((r) => r.status === 200).every((r) => r.user === roleUser)).toBe(true);
      expect(calls).toBe(2);
    } finally {
      await eks.close();
    }
  });

  it('kubeconfig: reads the file the local server writes, over TLS', async () => {
    const tls = await startLocalCluster({ tls: true, seed: [etlWorkflowB()] });
    try {
      const { path } = tls.kubeconfig();
      const port = portFor({ type: 'kubeconfig', path });
      expect(await port.snapshot(B)).not.toBeNull();
      // Another server's CA: TLS verification fails, a configuration error that no retry can fix.
      const other = await startLocalCluster({ tls: true });
      await other.close();
      const wrongCa = portFor({ type: 'token', server: tls.url, token: tls.token, caData: other.caData! });
      const err = await wrongCa.snapshot(B).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KubeError);
      expect((err as KubeError).kind).toBe('config');
      expect((err as KubeError).retryable).toBe(false);
      expect((err as Error).message).toMatch(/TLS verification failed/);
    } finally {
      await tls.close();
    }
  });
});

describe('list pages read item by item', () => {
  // A bare loopback server, because the local API server always finishes a body it starts: this one cuts
  // the second page off mid-body, as a dropped connection does.
  async function cuttingServer(cutTimes: number) {
    const page = (names: string[], next?: string) =>
      JSON.stringify({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'WorkflowList',
        metadata: { resourceVersion: '7', ...(next ? { continue: next } : {}) },
        items: names.map((name) => ({ metadata: { name, namespace: 'argo', finalizers: [GC] }, status: { phase: 'Succeeded', nodes: { [name]: { id: name, type: 'Pod' } } } })),
      });
    let cuts = 0;
    const requests: string[] = [];
    const srv = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      requests.push(url.searchParams.get('continue') ?? '');
      if (url.searchParams.get('continue') !== 'p2') return void res.writeHead(200, { 'content-type': 'application/json' }).end(page(['wf-1', 'wf-2'], 'p2'));
      const body = page(['wf-3', 'wf-4']);
      if (cuts >= cutTimes) return void res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      cuts++;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.write(body.slice(0, body.length / 2), () => res.destroy());
    });
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    const { port: tcp } = srv.address() as AddressInfo;
    const sleeps: number[] = [];
    const port = new KubeClusterPort(kubeConfigFromToken({ server: `http://127.0.0.1:${tcp}`, token: 't', skipTLSVerify: true }), {
      rateLimit: { qps: 10_000, burst: 10_000 },
      // A cut body may also just stall the client until its per-attempt timeout: both are a failed attempt.
      timeoutMs: 1_000,
      deps: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
    });
    return { port, requests, sleeps, close: () => new Promise<void>((resolve) => { srv.close(() => resolve()); srv.closeAllConnections(); }) };
  }

  const names = async (port: KubeClusterPort, seen: string[]) => {
    for await (const wf of port.candidates({ allNamespaces: true }, { pageSize: 2 })) seen.push((wf['metadata'] as { name: string }).name);
  };

  it('a page cut off mid-body is fetched again whole: every Workflow once, in order', async () => {
    const s = await cuttingServer(1);
    try {
      const seen: string[] = [];
      await names(s.port, seen);
      expect(seen).toEqual(['wf-1', 'wf-2', 'wf-3', 'wf-4']);
      expect(s.requests).toEqual(['', 'p2', 'p2']);
      expect(s.sleeps).toHaveLength(1);
    } finally {
      await s.close();
    }
  });

  it('a page that never arrives whole fails the list with a transient error; none of its items is handed out', async () => {
    const s = await cuttingServer(Number.POSITIVE_INFINITY);
    try {
      const seen: string[] = [];
      const err = await names(s.port, seen).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KubeTransientError);
      expect((err as Error).message).toMatch(/gave up after 4 attempts/);
      expect(seen).toEqual(['wf-1', 'wf-2']);
      expect(s.requests).toEqual(['', 'p2', 'p2', 'p2', 'p2']);
    } finally {
      await s.close();
    }
  });
});
