import {
  badRequest,
  forbiddenField,
  invalid,
  invalidValue,
  requiredField,
  type FieldError,
} from './status.js';
import { finalizersOf, isTerminating, nameProblem, type KubeObject } from './meta.js';
import { isRecord } from '../../domain/json.js';
import { NAMESPACES, apiVersionOf, type ResourceType } from './resources.js';

/**
 * The checks the API server makes on a write before storing it (rest.BeforeCreate / BeforeUpdate,
 * ValidateObjectMetaUpdate, checkName, EnsureObjectNamespaceMatchesRequestNamespace). Pure: they edit the
 * candidate object's system fields and throw ApiError on violations.
 */

/** A write body as an object with a metadata object, or a 400 like the real decoder gives. */
export function asObject(rt: ResourceType, body: unknown): KubeObject {
  if (!isRecord(body)) throw badRequest(`Object '${rt.kind}' is not a JSON object`);
  if (body.metadata === undefined || body.metadata === null) body.metadata = {};
  if (!isRecord(body.metadata)) throw badRequest(`unable to decode ${rt.kind}: .metadata must be an object`);
  if (body.apiVersion !== undefined && body.apiVersion !== apiVersionOf(rt)) {
    throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${apiVersionOf(rt)})`);
  }
  if (body.kind !== undefined && body.kind !== rt.kind) {
    throw badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (${rt.kind})`);
  }
  body.apiVersion = apiVersionOf(rt);
  body.kind = rt.kind;
  return body as KubeObject;
}

export function ensureNamespace(rt: ResourceType, obj: KubeObject, requestNamespace: string): void {
  const ns = typeof obj.metadata.namespace === 'string' ? obj.metadata.namespace : '';
  if (!rt.namespaced) {
    delete obj.metadata.namespace;
    return;
  }
  if (ns === '') obj.metadata.namespace = requestNamespace;
  else if (ns !== requestNamespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
}

export function checkName(obj: KubeObject, urlName: string): void {
  const name = typeof obj.metadata.name === 'string' ? obj.metadata.name : '';
  if (name !== urlName) {
    throw badRequest(`the name of the object (${name}) does not match the name on the URL (${urlName})`);
  }
}

/** Create-time name rules: a name or generateName, DNS-1123 (a label for namespaces). */
export function validateNewName(rt: ResourceType, obj: KubeObject): void {
  const name = obj.metadata.name;
  if (typeof name !== 'string' || name === '') {
    throw invalid(rt.group, rt.kind, '', [requiredField('metadata.name', 'name or generateName is required')]);
  }
  const problem = nameProblem(name, rt === NAMESPACES);
  if (problem) throw invalid(rt.group, rt.kind, name, [invalidValue('metadata.name', name, problem)]);
}

function goStringSlice(values: string[]): string {
  return `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;
}

/**
 * Update rules: uid is immutable, creationTimestamp and generation are kept, deletionTimestamp and
 * deletionGracePeriodSeconds change only through deletion, and a terminating object takes no new
 * finalizers. Edits `next` in place.
 */
export function admitUpdate(rt: ResourceType, prev: KubeObject, next: KubeObject): void {
  const errors: FieldError[] = [];
  const pm = prev.metadata;
  const nm = next.metadata;
  if (nm.uid === undefined || nm.uid === null || nm.uid === '') nm.uid = pm.uid;
  else if (nm.uid !== pm.uid) errors.push(invalidValue('metadata.uid', nm.uid, 'field is immutable'));
  if (pm.creationTimestamp !== undefined) nm.creationTimestamp = pm.creationTimestamp;
  if (typeof pm.generation === 'number') nm.generation = pm.generation;
  else delete nm.generation;
  if (isTerminating(prev)) {
    nm.deletionTimestamp = pm.deletionTimestamp;
    if (pm.deletionGracePeriodSeconds !== undefined) nm.deletionGracePeriodSeconds = pm.deletionGracePeriodSeconds;
    else delete nm.deletionGracePeriodSeconds;
    const before = new Set(finalizersOf(prev));
    const added = [...new Set(finalizersOf(next))].filter((f) => !before.has(f)).sort();
    if (added.length > 0) {
      errors.push(
        forbiddenField('metadata.finalizers', `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(added)}`),
      );
    }
  } else {
    if (nm.deletionGracePeriodSeconds !== undefined && nm.deletionGracePeriodSeconds !== null) {
      errors.push(invalidValue('metadata.deletionGracePeriodSeconds', nm.deletionGracePeriodSeconds, 'field is immutable; may only be changed via deletion'));
    }
    if (nm.deletionTimestamp !== undefined && nm.deletionTimestamp !== null) {
      errors.push(invalidValue('metadata.deletionTimestamp', nm.deletionTimestamp, 'field is immutable; may only be changed via deletion'));
    }
    delete nm.deletionTimestamp;
    delete nm.deletionGracePeriodSeconds;
  }
  if (nm.finalizers !== undefined && nm.finalizers !== null) {
    if (!Array.isArray(nm.finalizers) || nm.finalizers.some((f) => typeof f !== 'string')) {
      throw badRequest(`unable to decode ${rt.kind}: .metadata.finalizers must be an array of strings`);
    }
    if (nm.finalizers.length === 0) delete nm.finalizers;
  } else {
    delete nm.finalizers;
  }
  if (errors.length > 0) throw invalid(rt.group, rt.kind, nm.name ?? '', errors);
}
