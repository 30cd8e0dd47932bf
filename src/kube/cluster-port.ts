import { type ConfigurationOptions, CoreV1Api, CustomObjectsApi, type KubeConfig, PatchStrategy } from '@kubernetes/client-node';
import * as z from 'zod';
import { ARTIFACT_GC_FINALIZER, type JsonPatchOp } from '../domain/assessment.js';
import { KubeError, type KubeOp, KubeTransientError } from './errors.js';
import { assertNamespace, assertScope, assertUid, assertWorkflowKey } from './names.js';
import type { ClusterPort, DeleteTaskOutcome, GcWritePort, PodLogOptions, RawSnapshot, RemoveOutcome, Scope, SnapshotOptions, WorkflowKey, WorkflowMetadata } from './port.js';
import { readListBody } from './list-body.js';
import { KubeTransport, type TransportOptions } from './transport.js';
import { isRecord } from '../domain/json.js';

const ARGO = { group: 'argoproj.io', version: 'v1alpha1' } as const;
const WORKFLOWS = { ...ARGO, plural: 'workflows' } as const;
const GC_TASKS = { ...ARGO, plural: 'workflowartifactgctasks' } as const;
const WORKFLOWS_RESOURCE = 'workflows.argoproj.io';
const GC_TASKS_RESOURCE = 'workflowartifactgctasks.argoproj.io';

/** Argo's labels on artifact-GC pods (workflow/common/common.go). */
const GC_POD_SELECTOR = (workflow: string) =>
  `workflows.argoproj.io/workflow=${workflow},workflows.argoproj.io/component=artifact-gc`;

export const DEFAULT_PAGE_SIZE = 500;
/**
 * What controller-runtime's metadata-only informers send. Plain JSON follows as a fallback, so a server (or a
 * proxy) that cannot produce metadata lists answers with full objects rather than a 406; the port reads only
 * their metadata either way.
 */
export const METADATA_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
/** A bound on any one list, so a server that never stops handing out continue tokens cannot loop us forever. */
const MAX_PAGES = 10_000;

/** The list envelope only (its items are read one by one, list-body.ts; the domain validates them). */
const KubeList = z.looseObject({
  items: z.array(z.unknown()).nullish(),
  metadata: z.looseObject({ continue: z.string().optional() }).optional(),
});

export interface KubeClusterPortOptions extends TransportOptions {
  /** Page size for the lists a snapshot makes (GC pods, GC tasks). */
  pageSize?: number;
}

/**
 * The cluster adapter on @kubernetes/client-node 1.x. Reads with get/list and writes only with a JSON patch,
 * which is all the remediator's ClusterRole grants (infra/rbac/clusterrole.yaml).
 */
export class KubeClusterPort implements ClusterPort, GcWritePort {
  private readonly custom: CustomObjectsApi;
  private readonly core: CoreV1Api;
  private readonly transport: KubeTransport;
  private readonly pageSize: number;

  constructor(kubeConfig: KubeConfig, opts: KubeClusterPortOptions = {}) {
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.transport = new KubeTransport(opts);
    this.pageSize = opts.pageSize ?? DEFAULT_PAGE_SIZE;
  }

  async snapshot(key: WorkflowKey, opts: SnapshotOptions = {}): Promise<RawSnapshot | null> {
    const { namespace, name } = assertWorkflowKey(key);
    let workflow: Record<string, unknown>;
    try {
      workflow = asObject(
        await this.transport.call({ verb: 'get', resource: WORKFLOWS_RESOURCE, namespace, name }, (options) =>
          this.custom.getNamespacedCustomObject({ ...WORKFLOWS, namespace, name }, options),
        ),
      );
    } catch (err) {
      if (err instanceof KubeError && err.kind === 'not-found') return null;
      throw err;
    }
    const uid = metadataOf(workflow)['uid'];
    const needs = opts.needs?.(workflow) ?? { pods: true, tasks: true };
    const [pods, tasks] = await Promise.all([
      needs.pods ? this.gcPods(namespace, name) : [],
      needs.tasks ? this.ownedTasks(namespace, typeof uid === 'string' ? uid : undefined) : [],
    ]);
    return { workflow, pods, tasks };
  }

  async *candidates(scope: Scope, opts: { pageSize?: number } = {}): AsyncIterable<Record<string, unknown>> {
    assertScope(scope);
    const limit = opts.pageSize ?? DEFAULT_PAGE_SIZE;
    const namespace = 'namespace' in scope ? scope.namespace : undefined;
    const op: KubeOp = { verb: 'list', resource: WORKFLOWS_RESOURCE, ...(namespace ? { namespace } : {}) };
    // The API has no selector on finalizers, so every Workflow is listed and filtered here; only one
    // page is ever held in memory.
    for await (const workflow of this.pages(op, (_continue, options) =>
      namespace
        ? this.custom.listNamespacedCustomObject({ ...WORKFLOWS, namespace, limit, ...(_continue ? { _continue } : {}) }, options)
        : this.custom.listClusterCustomObject({ ...WORKFLOWS, limit, ...(_continue ? { _continue } : {}) }, options),
    )) {
      const finalizers = metadataOf(workflow)['finalizers'];
      if (Array.isArray(finalizers) && finalizers.includes(ARTIFACT_GC_FINALIZER)) yield workflow;
    }
  }

  async *candidateMetadata(scope: Scope, opts: { pageSize?: number } = {}): AsyncIterable<WorkflowMetadata> {
    assertScope(scope);
    const limit = opts.pageSize ?? DEFAULT_PAGE_SIZE;
    const namespace = 'namespace' in scope ? scope.namespace : undefined;
    const op: KubeOp = { verb: 'list', resource: WORKFLOWS_RESOURCE, ...(namespace ? { namespace } : {}) };
    // Raw, because client-node's model for a custom object list knows nothing of PartialObjectMetadataList.
    for await (const item of this.pages(
      op,
      (_continue, options) =>
        namespace
          ? this.custom.listNamespacedCustomObject({ ...WORKFLOWS, namespace, limit, ...(_continue ? { _continue } : {}) }, options)
          : this.custom.listClusterCustomObject({ ...WORKFLOWS, limit, ...(_continue ? { _continue } : {}) }, options),
      { accept: METADATA_LIST_ACCEPT },
    )) {
      const metadata = metadataOf(item);
      const finalizers = metadata['finalizers'];
      if (Array.isArray(finalizers) && finalizers.includes(ARTIFACT_GC_FINALIZER)) yield { metadata };
    }
  }

  removeFinalizer(key: WorkflowKey, patch: JsonPatchOp[]): Promise<RemoveOutcome> {
    return this.patchWorkflow(key, patch);
  }

  async deleteGcTask(namespace: string, name: string, uid: string | undefined): Promise<DeleteTaskOutcome> {
    assertWorkflowKey({ namespace, name });
    try {
      await this.transport.call({ verb: 'delete', resource: GC_TASKS_RESOURCE, namespace, name }, (options) =>
        this.custom.deleteNamespacedCustomObject(
          // Background: the API answers at once and the garbage collector removes the GC pod (owned by the task).
          { ...GC_TASKS, namespace, name, propagationPolicy: 'Background', ...(uid ? { body: { preconditions: { uid } } } : {}) },
          options,
        ),
      );
      return { kind: 'deleted', status: 200 };
    } catch (err) {
      if (err instanceof KubeError && err.kind === 'not-found') return { kind: 'gone', status: 404 };
      if (err instanceof KubeError && err.kind === 'conflict') return { kind: 'replaced', status: 409 };
      throw err;
    }
  }

  async podExists(namespace: string, name: string): Promise<boolean> {
    assertNamespace(namespace);
    assertWorkflowKey({ namespace, name });
    try {
      await this.transport.callRaw({ verb: 'get', resource: 'pods', namespace, name }, (options) => this.core.readNamespacedPod({ namespace, name }, options));
      return true;
    } catch (err) {
      if (err instanceof KubeError && err.kind === 'not-found') return false;
      throw err;
    }
  }

  async patchWorkflow(key: WorkflowKey, patch: readonly { op: string; path: string; value?: unknown }[]): Promise<RemoveOutcome> {
    const { namespace, name } = assertWorkflowKey(key);
    let attempts = 0;
    try {
      // Retrying a PATCH is safe: its `test` ops make a replay of an already-applied patch fail with 422.
      const workflow = await this.transport.call(
        { verb: 'patch', resource: WORKFLOWS_RESOURCE, namespace, name },
        (options) => {
          attempts++;
          return this.custom.patchNamespacedCustomObject({ ...WORKFLOWS, namespace, name, body: [...patch] }, options);
        },
        { contentType: PatchStrategy.JsonPatch },
      );
      return { kind: 'patched', status: 200, workflow: asObject(workflow), attempts };
    } catch (err) {
      if (err instanceof KubeError && err.kind === 'not-found') return { kind: 'gone', status: 404, attempts };
      if (err instanceof KubeError && err.kind === 'conflict') {
        return { kind: 'conflict', status: err.status === 409 ? 409 : 422, message: err.message, attempts };
      }
      throw err;
    }
  }

  async gcTasks(namespace: string, workflowUid: string): Promise<Record<string, unknown>[]> {
    return this.ownedTasks(assertNamespace(namespace), assertUid(workflowUid));
  }

  async events(namespace: string, involvedUid: string): Promise<Record<string, unknown>[]> {
    assertNamespace(namespace);
    const fieldSelector = `involvedObject.uid=${assertUid(involvedUid)}`;
    const op: KubeOp = { verb: 'list', resource: 'events', namespace };
    const events: Record<string, unknown>[] = [];
    for await (const event of this.pages(
      op,
      (_continue, options) =>
        this.core.listNamespacedEvent({ namespace, fieldSelector, limit: this.pageSize, ...(_continue ? { _continue } : {}) }, options),
    )) {
      events.push(event);
    }
    return events;
  }

  async podLog(namespace: string, pod: string, opts: PodLogOptions): Promise<string> {
    const { name } = assertWorkflowKey({ namespace, name: pod });
    const op: KubeOp = { verb: 'get', resource: 'pods/log', namespace, name };
    return this.transport.callText(op, (options) =>
      this.core.readNamespacedPodLog(
        {
          namespace,
          name,
          container: opts.container,
          limitBytes: opts.limitBytes,
          ...(opts.tailLines !== undefined ? { tailLines: opts.tailLines } : {}),
          ...(opts.previous ? { previous: true } : {}),
        },
        options,
      ),
    );
  }

  private async gcPods(namespace: string, workflow: string): Promise<Record<string, unknown>[]> {
    const labelSelector = GC_POD_SELECTOR(workflow);
    const op: KubeOp = { verb: 'list', resource: 'pods', namespace };
    const pods: Record<string, unknown>[] = [];
    for await (const pod of this.pages(
      op,
      (_continue, options) =>
        this.core.listNamespacedPod({ namespace, labelSelector, limit: this.pageSize, ...(_continue ? { _continue } : {}) }, options),
    )) {
      pods.push(pod);
    }
    return pods;
  }

  /**
   * GC tasks carry no label naming their Workflow, only an ownerReference, so this lists every task in the
   * namespace and filters by owner uid. The cost is one paged list per snapshot, proportional to the tasks
   * in the namespace; tasks are short-lived (the controller deletes them once GC succeeds), so it stays small.
   */
  private async ownedTasks(namespace: string, uid: string | undefined): Promise<Record<string, unknown>[]> {
    if (!uid) return [];
    const op: KubeOp = { verb: 'list', resource: GC_TASKS_RESOURCE, namespace };
    const tasks: Record<string, unknown>[] = [];
    for await (const task of this.pages(op, (_continue, options) =>
      this.custom.listNamespacedCustomObject(
        { ...GC_TASKS, namespace, limit: this.pageSize, ...(_continue ? { _continue } : {}) },
        options,
      ),
    )) {
      const owners = metadataOf(task)['ownerReferences'];
      if (Array.isArray(owners) && owners.some((o) => isRecord(o) && o['uid'] === uid)) tasks.push(task);
    }
    return tasks;
  }

  /**
   * Every list, page by page. Each page's body is kept as bytes and its items parsed one at a time as the caller
   * iterates (list-body.ts), so a caller that drops each item holds one item's objects, never a whole page's.
   * The page's bytes are fetched (and retried) whole, and its structure checked, before any item is handed out;
   * an item whose own JSON is bad throws only when reached, after the ones before it (the sweep only enqueues
   * references, and evidence that fails to read sends no PATCH, so a partly read page costs nothing).
   */
  private async *pages(
    op: KubeOp,
    list: (continueToken: string | undefined, options: ConfigurationOptions) => Promise<unknown>,
    how: { accept?: string } = {},
  ): AsyncGenerator<Record<string, unknown>> {
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const bytes = await expiredAsTransient(op, () =>
        this.transport.callBytes(op, (options) => list(token, options), how.accept ? { accept: how.accept } : {}),
      );
      let body;
      try {
        body = readListBody(bytes);
      } catch (err) {
        throw new Error(`${op.verb} ${op.resource}: ${(err as Error).message}`);
      }
      const parsed = KubeList.parse(body.envelope);
      for (const item of body.items()) if (isRecord(item)) yield item;
      const next = parsed.metadata?.continue || undefined;
      if (!next) return;
      if (next === token) throw new Error(`${op.verb} ${op.resource}: the server returned the same continue token twice`);
      token = next;
    }
    throw new Error(`${op.verb} ${op.resource}: more than ${MAX_PAGES} pages`);
  }
}

async function expiredAsTransient<T>(op: KubeOp, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    // 410 Gone: the continue token outlived etcd compaction. Listing again from the start is the fix, and
    // that is the caller's next attempt (the sweep runs again), not something to hide here.
    if (err instanceof KubeError && err.kind === 'expired') {
      throw new KubeTransientError({ kind: 'expired', status: 410, message: err.message }, op, 1, 'list continue token expired; list again');
    }
    throw err;
  }
}

function metadataOf(obj: Record<string, unknown>): Record<string, unknown> {
  const meta = obj['metadata'];
  return isRecord(meta) ? meta : {};
}

function asObject(value: unknown): Record<string, unknown> {
  if (!isRecord(value)) {
    throw new Error('the API server returned something other than an object');
  }
  return value as Record<string, unknown>;
}
