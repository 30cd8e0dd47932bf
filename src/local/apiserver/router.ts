import type { Decision, RequestAttributes, UserInfo } from './authz.js';
import { AUTHORIZATION_GROUP, SERVER_VERSION, coreVersions, group, groupList, resourceList } from './discovery.js';
import { headerValue, json, mediaType, type HandlerContext, type Incoming, type Reply } from './http-types.js';
import { PROTOBUF_MEDIA_TYPE, decodeSelfSubjectAccessReview } from './protobuf.js';
import { getOne, listObjects } from './list.js';
import { openapiGroupVersion, openapiRoot } from './openapi.js';
import { NAMESPACES, PODS, findByPlural, groupVersions } from './resources.js';
import { podLog } from './podlog.js';
import { badRequest, methodNotSupported, resourceNotFound } from './status.js';
import { watchObjects, type WatchHub } from './watch.js';
import { createObject, decodeBody, deleteObject, groupResource, patchObject, requireObject, updateObject } from './writes.js';
import { isRecord } from '../../domain/json.js';

/** Dispatches an authenticated, authorized request to discovery or to a resource handler. */

export interface RouterContext extends HandlerContext {
  authorize: (user: UserInfo, attrs: RequestAttributes) => Decision;
  watches: WatchHub;
}

const PLAIN_404: Reply = { status: 404, body: '404 page not found\n', contentType: 'text/plain; charset=utf-8' };

export function route(ctx: RouterContext, req: Incoming): Reply {
  if (!req.info.isResourceRequest) return nonResource(ctx, req);
  return resource(ctx, req);
}

function nonResource(ctx: RouterContext, req: Incoming): Reply {
  const parts = req.path.split('/').filter((p) => p !== '');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return json(405, {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'the server does not allow this method on the requested resource', reason: 'MethodNotAllowed', details: {}, code: 405,
    });
  }
  const p = `/${parts.join('/')}`;
  if (p === '/version') return json(200, SERVER_VERSION);
  if (p === '/healthz' || p === '/livez' || p === '/readyz') return { status: 200, body: 'ok', contentType: 'text/plain; charset=utf-8' };
  if (p === '/api') return json(200, coreVersions(ctx.serverAddress));
  if (p === '/apis') return json(200, groupList());
  if (parts[0] === 'api' && parts.length === 2) {
    const doc = resourceList('', parts[1] ?? '');
    return doc ? json(200, doc) : PLAIN_404;
  }
  if (parts[0] === 'apis' && parts.length === 2) {
    const doc = group(parts[1] ?? '');
    return doc ? json(200, doc) : PLAIN_404;
  }
  if (parts[0] === 'apis' && parts.length === 3) {
    const doc = resourceList(parts[1] ?? '', parts[2] ?? '');
    return doc ? json(200, doc) : PLAIN_404;
  }
  if (p === '/openapi/v3') return json(200, openapiRoot());
  if (parts[0] === 'openapi' && parts[1] === 'v3') {
    const doc = openapiGroupVersion(parts.slice(2).join('/'));
    return doc ? json(200, doc) : PLAIN_404;
  }
  // No OpenAPI v2: kubectl uses v3 when the server has it.
  return PLAIN_404;
}

function knownGroupVersion(groupName: string, version: string): boolean {
  return groupVersions().some((g) => g.group === groupName && g.version === version);
}

function resource(ctx: RouterContext, req: Incoming): Reply {
  const info = req.info;
  if (info.apiGroup === AUTHORIZATION_GROUP && info.apiVersion === 'v1' && info.resource === 'selfsubjectaccessreviews') {
    if (info.verb !== 'create' || info.name !== '') throw methodNotSupported({ group: AUTHORIZATION_GROUP, resource: info.resource }, info.verb);
    return selfSubjectAccessReview(ctx, req);
  }
  const rt = findByPlural(info.apiGroup, info.apiVersion, info.resource);
  if (!rt) {
    if (knownGroupVersion(info.apiGroup, info.apiVersion)) throw resourceNotFound();
    return PLAIN_404;
  }
  if (info.subresource !== '') {
    if (rt === PODS && info.subresource === 'log' && info.verb === 'get' && info.namespace !== '') {
      return podLog(ctx, req, requireObject(ctx, rt, info.namespace, info.name));
    }
    throw resourceNotFound();
  }
  const namespace = rt === NAMESPACES ? '' : info.namespace;
  if (rt.namespaced && namespace === '' && info.verb !== 'list' && info.verb !== 'watch') throw resourceNotFound();
  const gr = groupResource(rt);
  switch (info.verb) {
    case 'get':
      return getOne(ctx, req, rt, requireObject(ctx, rt, namespace, info.name));
    case 'list':
      return listObjects(ctx, req, rt);
    case 'create':
      return createObject(ctx, req, rt);
    case 'update':
      return updateObject(ctx, req, rt, requireObject(ctx, rt, namespace, info.name));
    case 'patch':
      return patchObject(ctx, req, rt, requireObject(ctx, rt, namespace, info.name));
    case 'delete':
      return deleteObject(ctx, req, rt, requireObject(ctx, rt, namespace, info.name));
    case 'watch':
      return watchObjects(ctx, req, rt, ctx.watches);
    default:
      throw methodNotSupported(gr, info.verb || req.method);
  }
}

/** `kubectl auth can-i`: evaluates the caller's own access with the same authorizer. */
function selfSubjectAccessReview(ctx: RouterContext, req: Incoming): Reply {
  let body: unknown;
  if (mediaType(headerValue(req.headers, 'content-type')) === PROTOBUF_MEDIA_TYPE) {
    try {
      body = decodeSelfSubjectAccessReview(req.body);
    } catch (e) {
      throw badRequest(`unable to decode SelfSubjectAccessReview: ${(e as Error).message}`);
    }
  } else {
    body = decodeBody(req);
  }
  const spec = isRecord(body) && isRecord(body.spec) ? body.spec : {};
  const ra = isRecord(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  const nra = isRecord(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
  const s = (v: unknown): string => (typeof v === 'string' ? v : '');
  const attrs: RequestAttributes = ra
    ? {
        verb: s(ra.verb),
        isResourceRequest: true,
        path: '',
        apiGroup: s(ra.group),
        apiVersion: s(ra.version),
        resource: s(ra.resource),
        subresource: s(ra.subresource),
        namespace: s(ra.namespace),
        name: s(ra.name),
      }
    : { verb: s(nra?.verb), isResourceRequest: false, path: s(nra?.path), apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '' };
  const decision = ctx.authorize(req.user, attrs);
  return json(201, {
    kind: 'SelfSubjectAccessReview',
    apiVersion: `${AUTHORIZATION_GROUP}/v1`,
    metadata: { creationTimestamp: null },
    spec,
    status: { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) },
  });
}
