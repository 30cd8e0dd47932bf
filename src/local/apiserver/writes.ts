import { parse as parseYaml } from 'yaml';
import { admitUpdate, asObject, checkName, ensureNamespace, validateNewName } from './admission.js';
import { headerValue, json, mediaType, type HandlerContext, type Incoming, type Reply } from './http-types.js';
import { JsonPatchApplyError, JsonPatchDecodeError, applyJsonPatch, decodeJsonPatch } from './jsonpatch.js';
import { applyMergePatch } from './mergepatch.js';
import { isTerminating, type KubeObject } from './meta.js';
import { isRecord } from '../../domain/json.js';
import type { ResourceType } from './resources.js';
import {
  alreadyExists,
  badRequest,
  conflict,
  deletedStatus,
  entityTooLarge,
  notFound,
  patchNotApplied,
  unsupportedMediaType,
  type GroupResource,
} from './status.js';
import type { PropagationPolicy } from './store.js';

/** create (POST), update (PUT), patch (PATCH) and delete (DELETE) of one object. */

const MAX_JSON_PATCH_OPERATIONS = 10_000;
const JSON_PATCH = 'application/json-patch+json';
const MERGE_PATCH = 'application/merge-patch+json';
const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
const APPLY_PATCH = 'application/apply-patch+yaml';
/** What a real server lists for custom resources, which have no strategic merge patch. */
const CRD_PATCH_TYPES = [JSON_PATCH, MERGE_PATCH, APPLY_PATCH];
const BUILTIN_PATCH_TYPES = [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH];

export function groupResource(rt: ResourceType): GroupResource {
  return { group: rt.group, resource: rt.plural };
}

function isDryRun(query: URLSearchParams): boolean {
  return query.getAll('dryRun').includes('All');
}

/** Decodes a JSON (or YAML) request body; undefined when empty. */
export function decodeBody(req: Incoming): unknown {
  const text = req.body.toString('utf8');
  if (text.trim() === '') return undefined;
  const type = mediaType(headerValue(req.headers, 'content-type'));
  try {
    if (type === 'application/yaml' || type === 'application/x-yaml') return parseYaml(text) as unknown;
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

function requireJsonContent(req: Incoming): void {
  const type = mediaType(headerValue(req.headers, 'content-type'));
  if (type === '' || type === 'application/json' || type === 'application/yaml' || type === 'application/x-yaml') return;
  throw unsupportedMediaType(type, ['application/json', 'application/yaml']);
}

export function createObject(ctx: HandlerContext, req: Incoming, rt: ResourceType): Reply {
  requireJsonContent(req);
  const obj = asObject(rt, decodeBody(req));
  ensureNamespace(rt, obj, req.info.namespace);
  const meta = obj.metadata;
  if (meta.resourceVersion !== undefined && meta.resourceVersion !== '') {
    throw badRequest('resourceVersion should not be set on objects to be created');
  }
  delete meta.resourceVersion;
  if ((typeof meta.name !== 'string' || meta.name === '') && typeof meta.generateName === 'string' && meta.generateName !== '') {
    meta.name = ctx.store.generateName(rt, meta.namespace, meta.generateName);
  }
  validateNewName(rt, obj);
  const name = meta.name ?? '';
  const existing = ctx.store.peek(rt, meta.namespace, name);
  if (existing) {
    const err = alreadyExists(groupResource(rt), name);
    if (isTerminating(existing)) err.status.message = `object is being deleted: ${err.status.message ?? ''}`;
    throw err;
  }
  const stored = ctx.store.create(rt, obj, { dryRun: isDryRun(req.query) });
  return json(201, stored);
}

export function updateObject(ctx: HandlerContext, req: Incoming, rt: ResourceType, current: KubeObject): Reply {
  requireJsonContent(req);
  const next = asObject(rt, decodeBody(req));
  ensureNamespace(rt, next, req.info.namespace);
  checkName(next, req.info.name);
  return commitUpdate(ctx, req, rt, current, next);
}

/** Shared tail of PUT and PATCH: optimistic concurrency, update admission, write. */
function commitUpdate(ctx: HandlerContext, req: Incoming, rt: ResourceType, current: KubeObject, next: KubeObject): Reply {
  const rv = next.metadata.resourceVersion;
  if (rv !== undefined && rv !== null && rv !== '' && rv !== current.metadata.resourceVersion) {
    throw conflict(groupResource(rt), req.info.name);
  }
  admitUpdate(rt, current, next);
  const stored = ctx.store.replace(rt, current, next, { dryRun: isDryRun(req.query) });
  return json(200, stored);
}

export function patchObject(ctx: HandlerContext, req: Incoming, rt: ResourceType, current: KubeObject): Reply {
  const type = mediaType(headerValue(req.headers, 'content-type'));
  const accepted = rt.custom ? CRD_PATCH_TYPES : BUILTIN_PATCH_TYPES;
  if (!accepted.includes(type)) throw unsupportedMediaType(type, accepted);
  if (type === APPLY_PATCH) {
    throw unsupportedMediaType(type, accepted.filter((t) => t !== APPLY_PATCH));
  }
  const text = req.body.toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch (e) {
    throw badRequest(type === JSON_PATCH ? (e as Error).message : 'Invalid JSON Patch');
  }
  let patched: unknown;
  if (type === JSON_PATCH) {
    let ops;
    try {
      ops = decodeJsonPatch(body);
    } catch (e) {
      if (e instanceof JsonPatchDecodeError) throw badRequest(e.message);
      throw e;
    }
    if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
      throw entityTooLarge(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`);
    }
    try {
      patched = applyJsonPatch(current, ops);
    } catch (e) {
      if (e instanceof JsonPatchApplyError) throw patchNotApplied(e.message);
      throw e;
    }
  } else {
    // Strategic merge patch on built-in kinds is applied as a merge patch: the difference (list merge
    // keys such as containers by name) does not arise for the metadata edits made here.
    if (!isRecord(body)) throw badRequest('Invalid JSON Patch');
    patched = applyMergePatch(current, body);
  }
  if (!isRecord(patched)) throw badRequest('the patched object is not a JSON object');
  const next = asObject(rt, patched);
  ensureNamespace(rt, next, req.info.namespace);
  checkName(next, req.info.name);
  return commitUpdate(ctx, req, rt, current, next);
}

interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  preconditions?: { uid?: string; resourceVersion?: string };
}

function deleteOptions(req: Incoming): DeleteOptions {
  const body = decodeBody(req);
  const opts: DeleteOptions = {};
  const source: Record<string, unknown> = isRecord(body) ? body : {};
  const policy = source.propagationPolicy ?? req.query.get('propagationPolicy') ?? undefined;
  const orphan = source.orphanDependents ?? req.query.get('orphanDependents') ?? undefined;
  if (policy !== undefined && policy !== null) {
    if (policy !== 'Foreground' && policy !== 'Background' && policy !== 'Orphan') {
      throw badRequest(`propagationPolicy: Unsupported value: "${String(policy)}": supported values: "Foreground", "Background", "Orphan"`);
    }
    if (orphan !== undefined && orphan !== null) {
      throw badRequest('orphanDependents: Invalid value: true: orphanDependents and propagationPolicy cannot both be set');
    }
    opts.propagationPolicy = policy;
  } else if (orphan === true || orphan === 'true') {
    opts.propagationPolicy = 'Orphan';
  }
  if (isRecord(source.preconditions)) {
    const p = source.preconditions;
    opts.preconditions = {
      ...(typeof p.uid === 'string' ? { uid: p.uid } : {}),
      ...(typeof p.resourceVersion === 'string' ? { resourceVersion: p.resourceVersion } : {}),
    };
  }
  return opts;
}

export function deleteObject(ctx: HandlerContext, req: Incoming, rt: ResourceType, current: KubeObject): Reply {
  const opts = deleteOptions(req);
  const gr = groupResource(rt);
  const pre = opts.preconditions;
  if (pre?.uid !== undefined && pre.uid !== current.metadata.uid) {
    throw conflict(gr, req.info.name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid ?? ''}`);
  }
  if (pre?.resourceVersion !== undefined && pre.resourceVersion !== current.metadata.resourceVersion) {
    throw conflict(
      gr,
      req.info.name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ''}`,
    );
  }
  const result = ctx.store.deleteObject(rt, current, opts.propagationPolicy, { dryRun: isDryRun(req.query) });
  // Custom resources answer an immediate deletion with a Success Status; built-in pods and namespaces
  // return the deleted object (their storage sets ReturnDeletedObject).
  if (result.outcome === 'removed' && rt.custom) {
    return json(200, deletedStatus(gr, current.metadata.name ?? '', current.metadata.uid ?? ''));
  }
  return json(200, result.object);
}

/** Looks up the object a request names, or answers 404 the way the real server words it. */
export function requireObject(ctx: HandlerContext, rt: ResourceType, namespace: string, name: string): KubeObject {
  const obj = ctx.store.peek(rt, namespace, name);
  if (!obj) throw notFound(groupResource(rt), name);
  return obj;
}
