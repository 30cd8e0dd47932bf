import { badRequest, notAcceptable, type ApiError } from './status.js';
import { headerValue, json, type HandlerContext, type Incoming, type Reply } from './http-types.js';
import { apiVersionOf, type ResourceType } from './resources.js';
import { SelectorError, parseFieldSelector, parseLabelSelector, type FieldSelector, type LabelSelector } from './selectors.js';
import { supportsField } from './store.js';
import { toTable, type IncludeObject } from './table.js';
import type { KubeObject } from './meta.js';

/**
 * GET of one object and of collections, with label/field selectors and limit/continue pagination.
 * Continue tokens have the real server's shape (base64 of {"v","rv","start"}) and resume strictly after
 * the last key returned, so a paged list of a stable set has no duplicates and no gaps.
 */

interface ContinueToken {
  v: 'meta.k8s.io/v1';
  rv: number;
  start: string;
}

export function encodeContinue(rv: string, lastKey: string): string {
  const token: ContinueToken = { v: 'meta.k8s.io/v1', rv: Number(rv), start: `${lastKey}\u0000` };
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

export function decodeContinue(raw: string): ContinueToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('continue key is not valid: illegal base64 data');
  }
  const t = parsed as Partial<ContinueToken> | null;
  if (!t || t.v !== 'meta.k8s.io/v1' || typeof t.start !== 'string' || typeof t.rv !== 'number') {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  return t as ContinueToken;
}

/** `application/json;as=Table;v=v1;g=meta.k8s.io` wins if it comes before plain JSON in Accept. */
export function tableVersion(accept: string): string | undefined {
  for (const part of accept.split(',')) {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    const p = new Map(params.map((kv) => kv.split('=').map((s) => s.trim()) as [string, string]));
    if (type === 'application/json' && p.get('as') === 'Table' && p.get('g') === 'meta.k8s.io') {
      const v = p.get('v');
      if (v === 'v1' || v === 'v1beta1') return `meta.k8s.io/${v}`;
      continue;
    }
    if (type === 'application/json' && !p.has('as')) return undefined;
    if (type === '*/*' || type === 'application/*') return undefined;
  }
  return undefined;
}

/**
 * Metadata-only responses (`Accept: application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1`), what
 * controller-runtime's metadata informers ask for: every item reduced to its ObjectMeta, so a client pays for
 * names, labels and finalizers rather than for whole statuses. The first entry of Accept that the server can
 * serve wins, as for tables; asking for the list form of a single object (or the reverse) is a 406, as the
 * real server answers.
 */
export type MetadataAs = 'PartialObjectMetadata' | 'PartialObjectMetadataList';

export function metadataAs(accept: string): { as: MetadataAs; version: string } | undefined {
  for (const part of accept.split(',')) {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    const p = new Map(params.map((kv) => kv.split('=').map((s) => s.trim()) as [string, string]));
    const as = p.get('as');
    if (type === 'application/json' && (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') && p.get('g') === 'meta.k8s.io') {
      const v = p.get('v');
      if (v === 'v1' || v === 'v1beta1') return { as, version: v };
      continue;
    }
    if (type === 'application/json' && as === 'Table') return undefined;
    if (type === 'application/json' && !p.has('as')) return undefined;
    if (type === '*/*' || type === 'application/*') return undefined;
  }
  return undefined;
}

function partial(object: KubeObject, version: string): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: object.metadata };
}

function metadataContentType(as: MetadataAs, version: string): string {
  return `application/json;as=${as};g=meta.k8s.io;v=${version}`;
}

export function includeObject(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function wrapSelectorError(e: unknown): ApiError | unknown {
  return e instanceof SelectorError ? badRequest(e.message) : e;
}

export function getOne(ctx: HandlerContext, req: Incoming, rt: ResourceType, object: KubeObject): Reply {
  const meta = metadataAs(headerValue(req.headers, 'accept'));
  if (meta) {
    if (meta.as !== 'PartialObjectMetadata') throw notAcceptable(meta.as);
    return json(200, partial(object, meta.version), metadataContentType(meta.as, meta.version));
  }
  const table = tableVersion(headerValue(req.headers, 'accept'));
  if (table) {
    return json(
      200,
      toTable(rt, [object], { now: ctx.now(), include: includeObject(req.query), apiVersion: table, listMetadata: { resourceVersion: object.metadata.resourceVersion ?? '' } }),
      `application/json;as=Table;v=${table.split('/')[1] ?? 'v1'};g=meta.k8s.io`,
    );
  }
  return json(200, object);
}

/** The label and field selectors of a list or watch request, validated for the resource. */
export function selectorsOf(rt: ResourceType, q: URLSearchParams): { labels: LabelSelector; fields: FieldSelector } {
  let labels: LabelSelector;
  let fields: FieldSelector;
  try {
    labels = parseLabelSelector(q.get('labelSelector') ?? undefined);
    fields = parseFieldSelector(q.get('fieldSelector') ?? undefined);
  } catch (e) {
    throw wrapSelectorError(e);
  }
  for (const f of fields) {
    if (!supportsField(rt, f.field)) throw badRequest(`field label not supported: ${f.field}`);
  }
  return { labels, fields };
}

export function listObjects(ctx: HandlerContext, req: Incoming, rt: ResourceType): Reply {
  const q = req.query;
  const { labels, fields } = selectorsOf(rt, q);
  const rawLimit = q.get('limit');
  let limit: number | undefined;
  if (rawLimit !== null && rawLimit !== '') {
    const n = Number(rawLimit);
    if (!Number.isInteger(n)) throw badRequest(`limit: Invalid value: "${rawLimit}": must be an integer`);
    if (n > 0) limit = n;
  }
  let listRv = ctx.store.resourceVersion;
  let after: string | undefined;
  const cont = q.get('continue');
  if (cont) {
    const rv = q.get('resourceVersion');
    if (rv !== null && rv !== '' && rv !== '0') {
      throw badRequest('specifying resource version is not allowed when using continue');
    }
    const token = decodeContinue(cont);
    listRv = String(token.rv);
    after = token.start.endsWith('\u0000') ? token.start.slice(0, -1) : token.start;
  }
  const page = ctx.store.listPage(rt, {
    ...(req.info.namespace ? { namespace: req.info.namespace } : {}),
    labels,
    fields,
    ...(limit !== undefined ? { limit } : {}),
    ...(after !== undefined ? { after } : {}),
  });
  const metadata: Record<string, unknown> = { resourceVersion: listRv };
  if (page.continueAfter !== undefined) {
    metadata.continue = encodeContinue(listRv, page.continueAfter);
    if (page.remaining !== undefined) metadata.remainingItemCount = page.remaining;
  }
  const meta = metadataAs(headerValue(req.headers, 'accept'));
  if (meta) {
    if (meta.as !== 'PartialObjectMetadataList') throw notAcceptable(meta.as);
    return json(
      200,
      { kind: 'PartialObjectMetadataList', apiVersion: `meta.k8s.io/${meta.version}`, metadata, items: page.items.map((o) => partial(o, meta.version)) },
      metadataContentType(meta.as, meta.version),
    );
  }
  const table = tableVersion(headerValue(req.headers, 'accept'));
  if (table) {
    return json(
      200,
      toTable(rt, page.items, { now: ctx.now(), include: includeObject(q), apiVersion: table, listMetadata: metadata }),
      `application/json;as=Table;v=${table.split('/')[1] ?? 'v1'};g=meta.k8s.io`,
    );
  }
  return json(200, { kind: rt.listKind, apiVersion: apiVersionOf(rt), metadata, items: page.items });
}
