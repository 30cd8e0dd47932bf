import { PodLogStore } from './podlog.js';
import { randomUUID } from 'node:crypto';
import { cloneJson, isRecord } from '../../domain/json.js';
import { deepEqual } from './jsonpatch.js';
import { KeyIndex } from './keyindex.js';
import {
  FOREGROUND_FINALIZER,
  ORPHAN_FINALIZER,
  finalizersOf,
  isTerminating,
  randomSuffix,
  timestamp,
  type KubeObject,
  type ObjectMeta,
} from './meta.js';
import { NAMESPACES, RESOURCES, apiVersionOf, findByKind, type ResourceType } from './resources.js';
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  type FieldSelector,
  type LabelSelector,
} from './selectors.js';

/** Names one object for the direct (non-HTTP) store API: `{ kind: 'Workflow', namespace: 'argo', name: 'x' }`. */
export interface ObjectRef {
  kind: string;
  apiVersion?: string;
  namespace?: string;
  name: string;
}

/** Anything that names one object: an ObjectRef, or an object itself (kind + metadata.name/namespace). */
export type ObjectLike = ObjectRef | { kind: string; apiVersion?: string; metadata: { name?: string; namespace?: string } };

function refOf(x: ObjectLike): ObjectRef {
  if ('metadata' in x) {
    return {
      kind: x.kind,
      ...(x.apiVersion !== undefined ? { apiVersion: x.apiVersion } : {}),
      ...(x.metadata.namespace !== undefined ? { namespace: x.metadata.namespace } : {}),
      name: x.metadata.name ?? '',
    };
  }
  return x;
}

/** Names a kind, optionally within one namespace. */
export interface KindRef {
  kind: string;
  apiVersion?: string;
  namespace?: string;
}

export type PropagationPolicy = 'Foreground' | 'Background' | 'Orphan';

export type DeleteOutcome =
  | { outcome: 'removed'; object: KubeObject }
  | { outcome: 'terminating'; object: KubeObject };

export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: ResourceType;
  /** The object as stored (for DELETED: its last state, with the deletion's resourceVersion). */
  object: KubeObject;
  /** For MODIFIED: the state before. */
  previous?: KubeObject;
}

export interface ListPageOptions {
  namespace?: string;
  labels?: LabelSelector;
  fields?: FieldSelector;
  limit?: number;
  /** Resume after this key (exclusive). */
  after?: string;
}

export interface ListPage {
  items: KubeObject[];
  /** The key of the last object examined, set when more objects follow. */
  continueAfter?: string;
  /** Objects after this page; only when no selector is used, as the real server does. */
  remaining?: number;
}

interface Table {
  rt: ResourceType;
  objects: Map<string, KubeObject>;
  index: KeyIndex;
}

type GcWork = { kind: 'owner-gone'; uid: string } | { kind: 'owner-check'; uid: string };

const DEFAULT_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];
const GC_STEP_LIMIT = 1_000_000;

export function keyOf(rt: ResourceType, namespace: string | undefined, name: string): string {
  return rt.namespaced ? `${namespace ?? ''}/${name}` : name;
}

export function resolveField(rt: ResourceType, obj: KubeObject, field: string): string | undefined {
  if (field === 'metadata.name') return obj.metadata.name ?? '';
  if (field === 'metadata.namespace') return obj.metadata.namespace ?? '';
  const spec = rt.extraFieldSelectors[field];
  if (spec === undefined) return undefined;
  const paths = (Array.isArray(spec[0]) ? spec : [spec]) as string[][];
  for (const path of paths) {
    let cur: unknown = obj;
    for (const p of path) cur = isRecord(cur) ? cur[p] : undefined;
    if (cur !== undefined && cur !== null && cur !== '') return String(cur);
  }
  return '';
}

export function supportsField(rt: ResourceType, field: string): boolean {
  return field === 'metadata.name' || field === 'metadata.namespace' || field in rt.extraFieldSelectors;
}

/**
 * The object store behind the API: one table per resource type, one global resourceVersion counter, the
 * deletion rules (finalizers, deletionTimestamp, removal when the last finalizer leaves) and a small
 * synchronous garbage collector for ownerReferences, `foregroundDeletion` and `orphan`.
 *
 * The public methods (get/list/put/update/mutate/delete/remove) are for tests: they bypass HTTP, auth and
 * faults, copy in and out, and bump resourceVersion like any write.
 */
export class ObjectStore {
  private rv = 0;
  private readonly tables = new Map<ResourceType, Table>();
  private readonly byUid = new Map<string, { rt: ResourceType; key: string }>();
  private readonly dependents = new Map<string, Set<string>>();
  private readonly listeners = new Set<(e: StoreEvent) => void>();
  private readonly gcQueue: GcWork[] = [];
  private settling = false;

  /** Container logs served by `pods/{name}/log` (no kubelet here: tests and the demo store them). */
  readonly logs = new PodLogStore((namespace, name) => this.peek(this.typeOf({ kind: 'Pod' }), namespace, name)?.metadata.uid);

  constructor(
    private readonly clock: () => Date = () => new Date(),
    private readonly gcEnabled = true,
  ) {
    for (const rt of RESOURCES) this.tables.set(rt, { rt, objects: new Map(), index: new KeyIndex() });
    for (const ns of DEFAULT_NAMESPACES) this.ensureNamespace(ns);
  }

  // ---- public API for tests -------------------------------------------------------------------------

  /** The latest resourceVersion handed out. */
  get resourceVersion(): string {
    return String(this.rv);
  }

  now(): Date {
    return this.clock();
  }

  get(target: ObjectLike): KubeObject | undefined {
    const ref = refOf(target);
    const rt = this.typeOf(ref);
    const found = this.peek(rt, ref.namespace, ref.name);
    return found ? cloneJson(found) : undefined;
  }

  list(ref: KindRef, opts: { labelSelector?: string; fieldSelector?: string } = {}): KubeObject[] {
    const rt = this.typeOf(ref);
    const page = this.listPage(rt, {
      ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}),
      labels: parseLabelSelector(opts.labelSelector),
      fields: parseFieldSelector(opts.fieldSelector),
    });
    return page.items.map((o) => cloneJson(o));
  }

  count(ref: KindRef): number {
    const rt = this.typeOf(ref);
    if (ref.namespace === undefined || !rt.namespaced) return this.table(rt).objects.size;
    return this.listPage(rt, { namespace: ref.namespace }).items.length;
  }

  /**
   * Creates or replaces an object as given (seeding). Keeps a given uid, creationTimestamp and
   * deletionTimestamp; fills what is missing. A terminating object without finalizers is removed at once.
   */
  put(input: Record<string, unknown>): KubeObject {
    const rt = this.typeOfObject(input);
    const obj = cloneJson(input) as KubeObject;
    obj.apiVersion = apiVersionOf(rt);
    obj.kind = rt.kind;
    const meta = obj.metadata;
    if (rt.namespaced && !meta.namespace) meta.namespace = 'default';
    if (!rt.namespaced) delete meta.namespace;
    if (!meta.name) {
      if (!meta.generateName) throw new Error(`${rt.kind} needs metadata.name or metadata.generateName`);
      meta.name = this.generateName(rt, meta.namespace, meta.generateName);
    }
    const prev = this.peek(rt, meta.namespace, meta.name);
    if (prev) {
      meta.uid ??= prev.metadata.uid;
      meta.creationTimestamp ??= prev.metadata.creationTimestamp;
      meta.resourceVersion = prev.metadata.resourceVersion;
      const stored = this.replace(rt, prev, obj);
      return cloneJson(stored);
    }
    delete meta.resourceVersion;
    return cloneJson(this.create(rt, obj, { keepSystemFields: true }));
  }

  /** Replaces an existing object unconditionally, as a controller would; system fields are kept. */
  update(input: Record<string, unknown>): KubeObject {
    const rt = this.typeOfObject(input);
    const obj = cloneJson(input) as KubeObject;
    const prev = this.peek(rt, obj.metadata.namespace, obj.metadata.name ?? '');
    if (!prev) throw new Error(`${rt.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''} does not exist`);
    obj.apiVersion = apiVersionOf(rt);
    obj.kind = rt.kind;
    obj.metadata.uid = prev.metadata.uid;
    obj.metadata.creationTimestamp = prev.metadata.creationTimestamp;
    obj.metadata.resourceVersion = prev.metadata.resourceVersion;
    if (typeof prev.metadata.generation === 'number') obj.metadata.generation = prev.metadata.generation;
    if (isTerminating(prev)) {
      obj.metadata.deletionTimestamp = prev.metadata.deletionTimestamp;
      obj.metadata.deletionGracePeriodSeconds = prev.metadata.deletionGracePeriodSeconds;
    }
    return cloneJson(this.replace(rt, prev, obj));
  }

  /** Reads, lets `change` edit a copy, and writes it back with `update`. */
  mutate(target: ObjectLike, change: (obj: KubeObject) => void): KubeObject {
    const ref = refOf(target);
    const current = this.get(ref);
    if (!current) throw new Error(`${ref.kind} ${ref.namespace ?? ''}/${ref.name} does not exist`);
    change(current);
    return this.update(current);
  }

  /** Deletes with API semantics: finalizers make the object terminating; undefined when absent. */
  delete(target: ObjectLike, opts: { propagationPolicy?: PropagationPolicy } = {}): DeleteOutcome | undefined {
    const ref = refOf(target);
    const rt = this.typeOf(ref);
    const obj = this.peek(rt, ref.namespace, ref.name);
    if (!obj) return undefined;
    const result = this.deleteObject(rt, obj, opts.propagationPolicy);
    return { outcome: result.outcome, object: cloneJson(result.object) };
  }

  /** Removes an object at once, ignoring finalizers (as if etcd lost it). */
  remove(target: ObjectLike): boolean {
    const ref = refOf(target);
    const rt = this.typeOf(ref);
    const obj = this.peek(rt, ref.namespace, ref.name);
    if (!obj) return false;
    this.removeObject(rt, obj);
    this.settle();
    return true;
  }

  onChange(listener: (e: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- API used by the request handlers (no copies: callers must not mutate results) -----------------

  typeOf(ref: { kind: string; apiVersion?: string }): ResourceType {
    const rt = findByKind(ref.kind, ref.apiVersion);
    if (!rt) throw new Error(`the local API server does not serve kind ${ref.apiVersion ?? ''} ${ref.kind}`.trim());
    return rt;
  }

  peek(rt: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.table(rt).objects.get(keyOf(rt, namespace, name));
  }

  namespaceExists(name: string): boolean {
    return this.table(NAMESPACES).objects.has(name);
  }

  generateName(rt: ResourceType, namespace: string | undefined, prefix: string): string {
    for (let i = 0; i < 100; i++) {
      const name = prefix + randomSuffix();
      if (!this.peek(rt, namespace, name)) return name;
    }
    throw new Error(`could not generate a unique name for ${prefix}`);
  }

  /** Stores a new, validated object, stamping uid, creationTimestamp, generation and resourceVersion. */
  create(rt: ResourceType, obj: KubeObject, opts: { keepSystemFields?: boolean; dryRun?: boolean } = {}): KubeObject {
    const meta: ObjectMeta = obj.metadata;
    if (!opts.keepSystemFields || !meta.uid) meta.uid = randomUUID();
    if (!opts.keepSystemFields || !meta.creationTimestamp) meta.creationTimestamp = timestamp(this.clock());
    if (!opts.keepSystemFields) {
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
    }
    if (rt.custom && (!opts.keepSystemFields || typeof meta.generation !== 'number')) meta.generation = 1;
    if (rt === NAMESPACES) defaultNamespace(obj);
    if (opts.dryRun) return obj;
    if (rt.namespaced && meta.namespace) this.ensureNamespace(meta.namespace);
    meta.resourceVersion = this.nextResourceVersion();
    if (isTerminating(obj) && finalizersOf(obj).length === 0) return obj;
    this.insert(rt, obj);
    this.emit('ADDED', rt, obj);
    this.enqueueOwnerCheck(obj);
    this.settle();
    return obj;
  }

  /**
   * Writes `next` over `prev`. A write that changes nothing keeps the resourceVersion (etcd skips it); a
   * terminating object left without finalizers is removed. Returns the object as last written.
   */
  replace(rt: ResourceType, prev: KubeObject, next: KubeObject, opts: { dryRun?: boolean } = {}): KubeObject {
    next.metadata.resourceVersion = prev.metadata.resourceVersion;
    if (deepEqual(prev, next)) return prev;
    if (rt.custom && !deepEqual(withoutMetadata(prev), withoutMetadata(next))) {
      next.metadata.generation = (typeof prev.metadata.generation === 'number' ? prev.metadata.generation : 0) + 1;
    }
    if (opts.dryRun) return next;
    next.metadata.resourceVersion = this.nextResourceVersion();
    if (isTerminating(next) && finalizersOf(next).length === 0) {
      this.removeObject(rt, prev, next);
    } else {
      const key = keyOf(rt, next.metadata.namespace, next.metadata.name ?? '');
      this.unindexOwners(rt, prev);
      this.table(rt).objects.set(key, next);
      this.indexOwners(rt, next);
      if (prev.metadata.uid !== next.metadata.uid) {
        // Only seeding can do this (a recreated namesake): the old identity is gone for the collector.
        if (prev.metadata.uid) {
          this.byUid.delete(prev.metadata.uid);
          this.gcQueue.push({ kind: 'owner-gone', uid: prev.metadata.uid });
        }
        if (next.metadata.uid) this.byUid.set(next.metadata.uid, { rt, key });
      }
      this.emit('MODIFIED', rt, next, prev);
      this.enqueueOwnerCheck(next);
    }
    this.settle();
    return next;
  }

  /**
   * DELETE semantics: the object goes at once unless it has finalizers (or the propagation policy adds
   * one); then deletionTimestamp is set and the object is returned terminating.
   */
  deleteObject(rt: ResourceType, obj: KubeObject, policy?: PropagationPolicy, opts: { dryRun?: boolean } = {}): DeleteOutcome {
    const gcFinalizer = policy === 'Foreground' ? FOREGROUND_FINALIZER : policy === 'Orphan' ? ORPHAN_FINALIZER : undefined;
    const finalizers = finalizersOf(obj);
    if (isTerminating(obj)) {
      if (gcFinalizer === undefined || finalizers.includes(gcFinalizer)) return { outcome: 'terminating', object: obj };
      const next = cloneJson(obj);
      next.metadata.finalizers = [...finalizers, gcFinalizer];
      return { outcome: 'terminating', object: this.replace(rt, obj, next, opts) };
    }
    if (finalizers.length === 0 && gcFinalizer === undefined) {
      if (!opts.dryRun) {
        this.removeObject(rt, obj);
        this.settle();
      }
      return { outcome: 'removed', object: obj };
    }
    const next = cloneJson(obj);
    next.metadata.deletionTimestamp = timestamp(this.clock());
    next.metadata.deletionGracePeriodSeconds = 0;
    if (gcFinalizer !== undefined && !finalizers.includes(gcFinalizer)) next.metadata.finalizers = [...finalizers, gcFinalizer];
    if (rt.custom && typeof next.metadata.generation === 'number' && next.metadata.generation > 0) {
      next.metadata.generation += 1;
    }
    // Not via replace(): deletion is the one write allowed to set deletionTimestamp, and it must not be
    // mistaken for a spec change when counting generations.
    if (opts.dryRun) return { outcome: 'terminating', object: next };
    next.metadata.resourceVersion = this.nextResourceVersion();
    this.unindexOwners(rt, obj);
    this.table(rt).objects.set(keyOf(rt, next.metadata.namespace, next.metadata.name ?? ''), next);
    this.indexOwners(rt, next);
    this.emit('MODIFIED', rt, next, obj);
    this.enqueueOwnerCheck(next);
    this.settle();
    return { outcome: 'terminating', object: next };
  }

  /** One page of a list in key order; see ListPage. */
  listPage(rt: ResourceType, opts: ListPageOptions): ListPage {
    const table = this.table(rt);
    const keys = table.index.keys();
    let lo = 0;
    let hi = keys.length;
    if (rt.namespaced && opts.namespace !== undefined && opts.namespace !== '') {
      // Keys are `ns/name`; '0' is the character after '/', so [ns/, ns0) is exactly the namespace.
      lo = KeyIndex.lowerBound(keys, `${opts.namespace}/`);
      hi = KeyIndex.lowerBound(keys, `${opts.namespace}0`);
    }
    let pos = lo;
    if (opts.after !== undefined) pos = Math.max(lo, KeyIndex.lowerBound(keys, `${opts.after}\u0000`));
    const labels = opts.labels ?? [];
    const fields = opts.fields ?? [];
    const filtering = labels.length > 0 || fields.length > 0;
    const limit = opts.limit !== undefined && opts.limit > 0 ? opts.limit : Infinity;
    const items: KubeObject[] = [];
    let full = false;
    while (pos < hi) {
      const key = keys[pos++] ?? '';
      const obj = table.objects.get(key);
      if (!obj) continue;
      if (filtering) {
        if (labels.length > 0 && !matchesLabels(labels, obj.metadata.labels)) continue;
        if (fields.length > 0 && !matchesFields(fields, (f) => resolveField(rt, obj, f))) continue;
      }
      items.push(obj);
      if (items.length >= limit) {
        full = true;
        break;
      }
    }
    const page: ListPage = { items };
    if (full && pos < hi) {
      page.continueAfter = keys[pos - 1] ?? '';
      if (!filtering) page.remaining = hi - pos;
    }
    return page;
  }

  nextResourceVersion(): string {
    this.rv += 1;
    return String(this.rv);
  }

  // ---- internals ------------------------------------------------------------------------------------

  private table(rt: ResourceType): Table {
    const t = this.tables.get(rt);
    if (!t) throw new Error(`no table for ${rt.plural}`);
    return t;
  }

  private typeOfObject(obj: Record<string, unknown>): ResourceType {
    const kind = obj.kind;
    if (typeof kind !== 'string') throw new Error('object has no kind');
    if (!isRecord(obj.metadata)) throw new Error(`${kind} has no metadata`);
    return this.typeOf({ kind, ...(typeof obj.apiVersion === 'string' ? { apiVersion: obj.apiVersion } : {}) });
  }

  private ensureNamespace(name: string): void {
    if (this.namespaceExists(name)) return;
    const ns: KubeObject = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, uid: randomUUID(), resourceVersion: this.nextResourceVersion(), creationTimestamp: timestamp(this.clock()) },
    };
    defaultNamespace(ns);
    this.insert(NAMESPACES, ns);
    this.emit('ADDED', NAMESPACES, ns);
  }

  private insert(rt: ResourceType, obj: KubeObject): void {
    const key = keyOf(rt, obj.metadata.namespace, obj.metadata.name ?? '');
    const t = this.table(rt);
    t.objects.set(key, obj);
    t.index.add(key);
    if (obj.metadata.uid) this.byUid.set(obj.metadata.uid, { rt, key });
    this.indexOwners(rt, obj);
  }

  /** Removes `stored` from its table; `last` is the state reported in the DELETED event. */
  private removeObject(rt: ResourceType, stored: KubeObject, last: KubeObject = stored): void {
    const key = keyOf(rt, stored.metadata.namespace, stored.metadata.name ?? '');
    const t = this.table(rt);
    if (!t.objects.delete(key)) return;
    t.index.delete(key);
    const uid = stored.metadata.uid;
    if (uid) this.byUid.delete(uid);
    this.unindexOwners(rt, stored);
    if (last === stored) {
      last = cloneJson(stored);
      last.metadata.resourceVersion = this.nextResourceVersion();
    }
    this.emit('DELETED', rt, last);
    if (uid) this.gcQueue.push({ kind: 'owner-gone', uid });
    for (const ref of stored.metadata.ownerReferences ?? []) {
      if (ref.uid) this.gcQueue.push({ kind: 'owner-check', uid: ref.uid });
    }
  }

  private locator(rt: ResourceType, obj: KubeObject): string {
    return `${RESOURCES.indexOf(rt)}|${keyOf(rt, obj.metadata.namespace, obj.metadata.name ?? '')}`;
  }

  private indexOwners(rt: ResourceType, obj: KubeObject): void {
    const refs = obj.metadata.ownerReferences;
    if (!Array.isArray(refs)) return;
    for (const ref of refs) {
      if (!isRecord(ref) || typeof ref.uid !== 'string') continue;
      let set = this.dependents.get(ref.uid);
      if (!set) this.dependents.set(ref.uid, (set = new Set()));
      set.add(this.locator(rt, obj));
    }
  }

  private unindexOwners(rt: ResourceType, obj: KubeObject): void {
    const refs = obj.metadata.ownerReferences;
    if (!Array.isArray(refs)) return;
    for (const ref of refs) {
      if (!isRecord(ref) || typeof ref.uid !== 'string') continue;
      const set = this.dependents.get(ref.uid);
      set?.delete(this.locator(rt, obj));
      if (set && set.size === 0) this.dependents.delete(ref.uid);
    }
  }

  private dependentsOf(uid: string): { rt: ResourceType; obj: KubeObject }[] {
    const out: { rt: ResourceType; obj: KubeObject }[] = [];
    for (const loc of this.dependents.get(uid) ?? []) {
      const bar = loc.indexOf('|');
      const rt = RESOURCES[Number(loc.slice(0, bar))];
      if (!rt) continue;
      const obj = this.table(rt).objects.get(loc.slice(bar + 1));
      if (obj) out.push({ rt, obj });
    }
    return out;
  }

  private enqueueOwnerCheck(obj: KubeObject): void {
    if (!obj.metadata.uid || !isTerminating(obj)) return;
    const f = finalizersOf(obj);
    if (f.includes(FOREGROUND_FINALIZER) || f.includes(ORPHAN_FINALIZER)) {
      this.gcQueue.push({ kind: 'owner-check', uid: obj.metadata.uid });
    }
  }

  /**
   * The garbage collector, run to completion after each write so tests see a settled store: dependents
   * whose owners are all gone are deleted (background); `orphan` and `foregroundDeletion` are honoured.
   */
  private settle(): void {
    if (this.settling || !this.gcEnabled) {
      if (!this.gcEnabled) this.gcQueue.length = 0;
      return;
    }
    this.settling = true;
    try {
      for (let steps = 0; this.gcQueue.length > 0; steps++) {
        if (steps > GC_STEP_LIMIT) throw new Error('garbage collector did not settle');
        const work = this.gcQueue.shift();
        if (work) this.gcStep(work);
      }
    } finally {
      this.settling = false;
    }
  }

  private gcStep(work: GcWork): void {
    if (work.kind === 'owner-gone') {
      for (const { rt, obj } of this.dependentsOf(work.uid)) {
        const live = (obj.metadata.ownerReferences ?? []).some((r) => typeof r.uid === 'string' && this.byUid.has(r.uid));
        if (!live && !isTerminating(obj)) this.deleteObject(rt, obj, 'Background');
      }
      return;
    }
    const loc = this.byUid.get(work.uid);
    if (!loc) return;
    const owner = this.table(loc.rt).objects.get(loc.key);
    if (!owner || !isTerminating(owner)) return;
    const finalizers = finalizersOf(owner);
    if (finalizers.includes(ORPHAN_FINALIZER)) {
      for (const { rt, obj } of this.dependentsOf(work.uid)) {
        const next = cloneJson(obj);
        next.metadata.ownerReferences = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== work.uid);
        if (next.metadata.ownerReferences.length === 0) delete next.metadata.ownerReferences;
        this.replace(rt, obj, next);
      }
      this.dropFinalizer(loc.rt, owner, ORPHAN_FINALIZER);
      return;
    }
    if (finalizers.includes(FOREGROUND_FINALIZER)) {
      for (const { rt, obj } of this.dependentsOf(work.uid)) {
        if (!isTerminating(obj)) this.deleteObject(rt, obj, 'Background');
      }
      const blocking = this.dependentsOf(work.uid).some(({ obj }) =>
        (obj.metadata.ownerReferences ?? []).some((r) => r.uid === work.uid && r.blockOwnerDeletion === true),
      );
      const current = this.table(loc.rt).objects.get(loc.key);
      if (!blocking && current) this.dropFinalizer(loc.rt, current, FOREGROUND_FINALIZER);
    }
  }

  private dropFinalizer(rt: ResourceType, obj: KubeObject, finalizer: string): void {
    const next = cloneJson(obj);
    next.metadata.finalizers = finalizersOf(obj).filter((f) => f !== finalizer);
    this.replace(rt, obj, next);
  }

  private emit(type: StoreEvent['type'], resource: ResourceType, object: KubeObject, previous?: KubeObject): void {
    const event: StoreEvent = previous ? { type, resource, object, previous } : { type, resource, object };
    for (const l of this.listeners) l(event);
  }
}

/** What the namespace registry and lifecycle admission fill in: the name label, the `kubernetes` finalizer, Active. */
function defaultNamespace(ns: KubeObject): void {
  ns.metadata.labels = { ...ns.metadata.labels, 'kubernetes.io/metadata.name': ns.metadata.name ?? '' };
  const spec = isRecord(ns.spec) ? ns.spec : {};
  ns.spec = { ...spec, finalizers: Array.isArray(spec.finalizers) ? spec.finalizers : ['kubernetes'] };
  const status = isRecord(ns.status) ? ns.status : {};
  ns.status = { ...status, phase: typeof status.phase === 'string' ? status.phase : 'Active' };
}

function withoutMetadata(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, ...rest } = obj;
  return rest;
}
