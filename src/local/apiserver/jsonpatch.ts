import { cloneJson, isRecord } from '../../domain/json.js';
/**
 * RFC 6902 JSON patch with the behaviour of gopkg.in/evanphx/json-patch.v4, the library the Kubernetes API
 * server applies `application/json-patch+json` with. Its quirks are kept on purpose, since code tested here
 * must behave the same against a real cluster:
 * - `test` treats a missing member and a JSON null alike;
 * - `replace` of a missing object member adds it (only a bad array index fails);
 * - negative array indices are accepted by `add` and `remove`;
 * - messages read like the library's (the server hides them from clients; we keep them for the request log).
 * `test` compares with strict structural equality (RFC 6902 section 4.6).
 */

export type JsonPatchOperation = Record<string, unknown>;

/** The patch body cannot be decoded at all: the server answers 400. */
export class JsonPatchDecodeError extends Error {}

/** An operation failed while applying: the server answers 422 with a generic message. */
export class JsonPatchApplyError extends Error {}

function goTypeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

export function decodeJsonPatch(body: unknown): JsonPatchOperation[] {
  if (!Array.isArray(body)) {
    throw new JsonPatchDecodeError(`json: cannot unmarshal ${goTypeName(body)} into Go value of type jsonpatch.Patch`);
  }
  return body.map((op) => {
    if (op === null) return {};
    if (typeof op !== 'object' || Array.isArray(op)) {
      throw new JsonPatchDecodeError(`json: cannot unmarshal ${goTypeName(op)} into Go value of type jsonpatch.Operation`);
    }
    return op as JsonPatchOperation;
  });
}

type Json = unknown;
type Container =
  | { kind: 'obj'; v: Record<string, Json> }
  | { kind: 'arr'; v: Json[] };

const wrap = (msg: string, cause: string): string => `${msg}: ${cause}`;
const MISSING = 'missing value';
const INVALID_INDEX = 'invalid index referenced';

function decodeKey(k: string): string {
  return k.replace(/~1/g, '/').replace(/~0/g, '~');
}

function atoi(key: string): number {
  if (!/^[+-]?\d+$/.test(key)) throw new JsonPatchApplyError(`strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`);
  return Number(key);
}

function containerOf(v: Json): Container | null {
  if (Array.isArray(v)) return { kind: 'arr', v };
  if (isRecord(v)) return { kind: 'obj', v };
  return null;
}

/** Go's lazyNode is nil for both an absent member and a JSON null. */
function get(c: Container, key: string): Json | undefined {
  if (c.kind === 'obj') {
    const v = Object.prototype.hasOwnProperty.call(c.v, key) ? c.v[key] : undefined;
    return v === null ? undefined : v;
  }
  const idx = atoi(key);
  if (idx >= c.v.length || idx < 0) {
    throw new JsonPatchApplyError(wrap(`Unable to access invalid index: ${idx}`, INVALID_INDEX));
  }
  const v = c.v[idx];
  return v === null ? undefined : v;
}

function set(c: Container, key: string, val: Json): void {
  if (c.kind === 'obj') {
    c.v[key] = val;
    return;
  }
  c.v[atoi(key)] = val;
}

function add(c: Container, key: string, val: Json): void {
  if (c.kind === 'obj') {
    c.v[key] = val;
    return;
  }
  if (key === '-') {
    c.v.push(val);
    return;
  }
  let idx: number;
  try {
    idx = atoi(key);
  } catch (e) {
    throw new JsonPatchApplyError(wrap(`value was not a proper array index: '${key}'`, (e as Error).message));
  }
  const size = c.v.length + 1;
  if (idx >= size || idx < -size) {
    throw new JsonPatchApplyError(wrap(`Unable to access invalid index: ${idx}`, INVALID_INDEX));
  }
  if (idx < 0) idx += size;
  c.v.splice(idx, 0, val);
}

function remove(c: Container, key: string): void {
  if (c.kind === 'obj') {
    if (!Object.prototype.hasOwnProperty.call(c.v, key)) {
      throw new JsonPatchApplyError(wrap(`Unable to remove nonexistent key: ${key}`, MISSING));
    }
    delete c.v[key];
    return;
  }
  let idx = atoi(key);
  const len = c.v.length;
  if (idx >= len || idx < -len) {
    throw new JsonPatchApplyError(wrap(`Unable to access invalid index: ${idx}`, INVALID_INDEX));
  }
  if (idx < 0) idx += len;
  c.v.splice(idx, 1);
}

/** The container holding the last token of `path`, or null when the path does not lead anywhere. */
function findObject(root: Container, path: string): { con: Container; key: string } | null {
  const split = path.split('/');
  if (split.length < 2) return null;
  let doc: Container = root;
  for (const part of split.slice(1, -1)) {
    let next: Json | undefined;
    try {
      next = get(doc, decodeKey(part));
    } catch {
      return null;
    }
    if (next === undefined) return null;
    const c = containerOf(next);
    if (c === null) return null;
    doc = c;
  }
  return { con: doc, key: decodeKey(split[split.length - 1] ?? '') };
}

function stringField(op: JsonPatchOperation, name: 'path' | 'from'): string | undefined {
  const v = op[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') {
    throw new JsonPatchApplyError(`json: cannot unmarshal ${goTypeName(v)} into Go value of type string`);
  }
  return v;
}

function opValue(op: JsonPatchOperation): Json {
  return Object.prototype.hasOwnProperty.call(op, 'value') ? op.value : undefined;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao);
  if (ak.length !== Object.keys(bo).length) return false;
  for (const k of ak) {
    if (!Object.prototype.hasOwnProperty.call(bo, k) || !deepEqual(ao[k], bo[k])) return false;
  }
  return true;
}

function applyOne(root: Container, op: JsonPatchOperation): void {
  const kind = typeof op.op === 'string' ? op.op : 'unknown';
  switch (kind) {
    case 'add': {
      const path = stringField(op, 'path');
      if (path === undefined) throw new JsonPatchApplyError(wrap('add operation failed to decode path', MISSING));
      const found = findObject(root, path);
      if (!found) throw new JsonPatchApplyError(wrap(`add operation does not apply: doc is missing path: "${path}"`, MISSING));
      try {
        add(found.con, found.key, cloneJson(opValue(op)) ?? null);
      } catch (e) {
        throw new JsonPatchApplyError(wrap(`error in add for path: '${path}'`, (e as Error).message));
      }
      return;
    }
    case 'remove': {
      const path = stringField(op, 'path');
      if (path === undefined) throw new JsonPatchApplyError(wrap('remove operation failed to decode path', MISSING));
      const found = findObject(root, path);
      if (!found) throw new JsonPatchApplyError(wrap(`remove operation does not apply: doc is missing path: "${path}"`, MISSING));
      try {
        remove(found.con, found.key);
      } catch (e) {
        throw new JsonPatchApplyError(wrap(`error in remove for path: '${path}'`, (e as Error).message));
      }
      return;
    }
    case 'replace': {
      const path = stringField(op, 'path');
      if (path === undefined) throw new JsonPatchApplyError(wrap('replace operation failed to decode path', MISSING));
      const found = findObject(root, path);
      if (!found) throw new JsonPatchApplyError(wrap(`replace operation does not apply: doc is missing path: ${path}`, MISSING));
      try {
        get(found.con, found.key);
      } catch {
        throw new JsonPatchApplyError(wrap(`replace operation does not apply: doc is missing key: ${path}`, MISSING));
      }
      set(found.con, found.key, cloneJson(opValue(op)) ?? null);
      return;
    }
    case 'move': {
      const from = stringField(op, 'from');
      if (from === undefined) {
        throw new JsonPatchApplyError(wrap('move operation failed to decode from', wrap('operation, missing from field', MISSING)));
      }
      const src = findObject(root, from);
      if (!src) throw new JsonPatchApplyError(wrap(`move operation does not apply: doc is missing from path: ${from}`, MISSING));
      let val: Json | undefined;
      try {
        val = get(src.con, src.key);
        remove(src.con, src.key);
      } catch (e) {
        throw new JsonPatchApplyError(wrap(`error in move for path: '${src.key}'`, (e as Error).message));
      }
      const path = stringField(op, 'path');
      if (path === undefined) {
        throw new JsonPatchApplyError(wrap('move operation failed to decode path', wrap('operation missing path field', MISSING)));
      }
      const dst = findObject(root, path);
      if (!dst) throw new JsonPatchApplyError(wrap(`move operation does not apply: doc is missing destination path: ${path}`, MISSING));
      try {
        add(dst.con, dst.key, val ?? null);
      } catch (e) {
        throw new JsonPatchApplyError(wrap(`error in move for path: '${path}'`, (e as Error).message));
      }
      return;
    }
    case 'copy': {
      const from = stringField(op, 'from');
      if (from === undefined) {
        throw new JsonPatchApplyError(wrap('copy operation failed to decode from', wrap('operation, missing from field', MISSING)));
      }
      const src = findObject(root, from);
      if (!src) throw new JsonPatchApplyError(wrap(`copy operation does not apply: doc is missing from path: ${from}`, MISSING));
      let val: Json | undefined;
      try {
        val = get(src.con, src.key);
      } catch (e) {
        throw new JsonPatchApplyError(wrap(`error in copy for from: '${from}'`, (e as Error).message));
      }
      const path = stringField(op, 'path');
      if (path === undefined) throw new JsonPatchApplyError(wrap('copy operation failed to decode path', MISSING));
      const dst = findObject(root, path);
      if (!dst) throw new JsonPatchApplyError(wrap(`copy operation does not apply: doc is missing destination path: ${path}`, MISSING));
      try {
        add(dst.con, dst.key, cloneJson(val) ?? null);
      } catch (e) {
        throw new JsonPatchApplyError(wrap('error while adding value during copy', (e as Error).message));
      }
      return;
    }
    case 'test': {
      const path = stringField(op, 'path');
      if (path === undefined) throw new JsonPatchApplyError(wrap('test operation failed to decode path', MISSING));
      const found = findObject(root, path);
      if (!found) throw new JsonPatchApplyError(wrap(`test operation does not apply: is missing path: ${path}`, MISSING));
      let val: Json | undefined;
      try {
        val = get(found.con, found.key);
      } catch (e) {
        throw new JsonPatchApplyError(wrap(`error in test for path: '${path}'`, (e as Error).message));
      }
      const want = opValue(op);
      if (val === undefined) {
        if (want === undefined || want === null) return;
        throw new JsonPatchApplyError(wrap(`testing value ${path} failed`, 'test failed'));
      }
      if (want === undefined || !deepEqual(val, want)) {
        throw new JsonPatchApplyError(wrap(`testing value ${path} failed`, 'test failed'));
      }
      return;
    }
    default:
      throw new JsonPatchApplyError(`Unexpected kind: ${kind}`);
  }
}

/** Applies the operations to a copy of `doc`, all or nothing. */
export function applyJsonPatch<T>(doc: T, ops: readonly JsonPatchOperation[]): T {
  const copy = cloneJson(doc);
  const root = containerOf(copy);
  if (root === null) throw new JsonPatchApplyError('unexpected end of JSON input');
  for (const op of ops) applyOne(root, op);
  return copy;
}
