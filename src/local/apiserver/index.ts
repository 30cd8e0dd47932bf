import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MASTERS_GROUP, userInfo, type UserInfo } from './authz.js';
import { FaultInjector } from './faults.js';
import { kubeconfigYaml } from './kubeconfig.js';
import { createPipeline, type RecordedRequest } from './pipeline.js';
import type { PodLogRef } from './podlog.js';
import { loadRbac, type RbacPolicy, type RbacSource } from './rbac.js';
import { ObjectStore } from './store.js';
import { generateCertificates } from './tls.js';
import { WatchHub } from './watch.js';

/**
 * A local Kubernetes API server for tests, the demo and benchmarks: the part of the API the remediator
 * uses, with the real semantics (discovery, GET/LIST with selectors and limit/continue, JSON and merge
 * patch, resourceVersion conflicts, finalizers and deletionTimestamp, RBAC, Status bodies). Real kubectl
 * and @kubernetes/client-node drive it. Listens on 127.0.0.1 only. What is served and what differs from a
 * real cluster: README.md next to this file.
 */

export interface ApiServerOptions {
  /** Serve HTTPS with a CA generated at start (cert for 127.0.0.1 and localhost). Default false. */
  tls?: boolean;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Bearer token -> user name. Default: one random token for the remediator's service account. */
  tokens?: Record<string, string>;
  /** Extra groups per user name (e.g. the group an EKS access entry maps an IAM role to). */
  groups?: Record<string, string[]>;
  /** The admin token (user `local-admin`, group system:masters). Default: random. */
  adminToken?: string;
  /** Enforce RBAC. Default true. */
  authorize?: boolean;
  /** RBAC objects, or a path to a multi-document YAML. Default: infra/rbac/clusterrole.yaml + clusterrolebinding.yaml. */
  rbac?: RbacSource;
  /** Objects to load at start (any served kind; namespaces are created as needed). */
  seed?: object[];
  /** Container logs of seeded pods, served by `pods/{name}/log`. */
  podLogs?: (PodLogRef & { text: string })[];
  /** Clock for creationTimestamp, deletionTimestamp and AGE columns. Default: real time. */
  clock?: () => Date;
  /** Run the ownerReference garbage collector after writes. Default true. */
  gc?: boolean;
  /** Older requests are dropped from `requests` beyond this. Default 10,000. */
  maxRecordedRequests?: number;
}

export interface LocalApiServer {
  /** http(s)://127.0.0.1:PORT */
  url: string;
  /** Base64 PEM of the CA, when tls. */
  caData?: string;
  /** The default token (the remediator's user unless `tokens` says otherwise). */
  token: string;
  /** A token for `local-admin` (system:masters): full rights, for seeding and kubectl deletes. */
  adminToken: string;
  /** The user the default token authenticates as. */
  user: string;
  store: ObjectStore;
  faults: FaultInjector;
  /** Every request received, oldest first. */
  requests: RecordedRequest[];
  policy: RbacPolicy;
  /** Writes a kubeconfig (cluster, token user, context `local`, current-context) and returns it. */
  kubeconfig(opts?: { token?: string; path?: string; namespace?: string }): { path: string; yaml: string };
  close(): Promise<void>;
}

export const REMEDIATOR_USER = 'system:serviceaccount:argo:argo-finalizer-remediator';
export const ADMIN_USER = 'local-admin';

function randomToken(): string {
  return randomBytes(24).toString('base64url');
}

export async function startApiServer(opts: ApiServerOptions = {}): Promise<LocalApiServer> {
  const clock = opts.clock ?? (() => new Date());
  const store = new ObjectStore(clock, opts.gc ?? true);
  for (const obj of opts.seed ?? []) store.put(obj as Record<string, unknown>);
  for (const { text, ...ref } of opts.podLogs ?? []) store.logs.set(ref, text);
  const policy = loadRbac(opts.rbac);
  const faults = new FaultInjector();
  const requests: RecordedRequest[] = [];
  const held = new Set<ServerResponse>();
  const watches = new WatchHub(store);

  const tokens = opts.tokens ?? { [randomToken()]: REMEDIATOR_USER };
  const entries = Object.entries(tokens);
  const first = entries[0];
  if (!first) throw new Error('tokens must name at least one token');
  const adminToken = opts.adminToken ?? randomToken();
  const users = new Map<string, UserInfo>();
  for (const [token, name] of entries) users.set(token, userInfo(name, opts.groups?.[name] ?? []));
  users.set(adminToken, userInfo(ADMIN_USER, [MASTERS_GROUP, ...(opts.groups?.[ADMIN_USER] ?? [])]));

  let address = '127.0.0.1:0';
  const handler = createPipeline({
    store,
    faults,
    policy,
    authorize: opts.authorize ?? true,
    users,
    requests,
    maxRecordedRequests: opts.maxRecordedRequests ?? 10_000,
    serverAddress: () => address,
    now: clock,
    held,
    watches,
  });

  let caData: string | undefined;
  let server: Server;
  if (opts.tls) {
    const certs = await generateCertificates();
    caData = Buffer.from(certs.caPem).toString('base64');
    server = createHttpsServer({ cert: certs.certPem, key: certs.keyPem }, handler);
  } else {
    server = createHttpServer(handler);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  address = `127.0.0.1:${port}`;
  const url = `${opts.tls ? 'https' : 'http'}://${address}`;

  let tempDir: string | undefined;
  let written = 0;
  let closed = false;

  return {
    url,
    ...(caData !== undefined ? { caData } : {}),
    token: first[0],
    adminToken,
    user: first[1],
    store,
    faults,
    requests,
    policy,
    kubeconfig(k = {}) {
      const yaml = kubeconfigYaml({
        server: url,
        token: k.token ?? first[0],
        ...(caData !== undefined ? { caData } : {}),
        ...(k.namespace !== undefined ? { namespace: k.namespace } : {}),
      });
      let path = k.path;
      if (path === undefined) {
        tempDir ??= mkdtempSync(join(tmpdir(), 'local-apiserver-'));
        path = join(tempDir, `kubeconfig-${++written}.yaml`);
      }
      writeFileSync(path, yaml, { mode: 0o600 });
      return { path, yaml };
    },
    async close() {
      if (closed) return;
      closed = true;
      faults.clear();
      watches.close();
      for (const res of held) res.destroy();
      held.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

export { ObjectStore } from './store.js';
export type { ObjectRef, ObjectLike, KindRef, DeleteOutcome, PropagationPolicy, StoreEvent } from './store.js';
export { FaultInjector } from './faults.js';
export type { PodLogRef } from './podlog.js';
export type { FaultSpec, FaultMatch, FaultContext, FaultHandle, FaultAction } from './faults.js';
export type { RecordedRequest } from './pipeline.js';
export type { KubeObject, ObjectMeta } from './meta.js';
export type { RbacPolicy, RbacSource } from './rbac.js';
export { loadRbac, defaultRbacFiles, finishingRbacFile } from './rbac.js';
