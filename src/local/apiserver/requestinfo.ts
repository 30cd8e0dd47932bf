import type { RequestAttributes } from './authz.js';

/**
 * URL -> request attributes, following the API server's RequestInfoFactory: `/api/v1/...` and
 * `/apis/{group}/{version}/...` are resource requests (shorter paths are discovery, i.e. non-resource),
 * `namespaces/{ns}/{resource}/{name}/{subresource}`, and GET/DELETE without a name become list/watch and
 * deletecollection.
 */
export function requestInfo(method: string, path: string, query: URLSearchParams): RequestAttributes {
  const parts = path.split('/').filter((p) => p !== '');
  const info: RequestAttributes = {
    verb: method.toLowerCase(),
    isResourceRequest: false,
    path,
    apiGroup: '',
    apiVersion: '',
    resource: '',
    subresource: '',
    namespace: '',
    name: '',
  };
  if (parts.length < 3 || (parts[0] !== 'api' && parts[0] !== 'apis')) return info;
  let rest = parts.slice(1);
  if (parts[0] === 'apis') {
    if (rest.length < 3) return info;
    info.apiGroup = rest[0] ?? '';
    rest = rest.slice(1);
  }
  info.isResourceRequest = true;
  info.apiVersion = rest[0] ?? '';
  rest = rest.slice(1);
  switch (method.toUpperCase()) {
    case 'POST':
      info.verb = 'create';
      break;
    case 'GET':
    case 'HEAD':
      info.verb = 'get';
      break;
    case 'PUT':
      info.verb = 'update';
      break;
    case 'PATCH':
      info.verb = 'patch';
      break;
    case 'DELETE':
      info.verb = 'delete';
      break;
    default:
      info.verb = '';
  }
  if (rest[0] === 'namespaces') {
    if (rest.length > 1) {
      info.namespace = rest[1] ?? '';
      if (rest.length > 2) rest = rest.slice(2);
    }
  }
  if (rest.length >= 3) info.subresource = rest[2] ?? '';
  if (rest.length >= 2) info.name = rest[1] ?? '';
  if (rest.length >= 1) info.resource = rest[0] ?? '';
  if (info.name === '' && info.verb === 'get') {
    const watch = query.get('watch');
    info.verb = watch === 'true' || watch === '1' ? 'watch' : 'list';
  }
  if (info.name === '' && info.verb === 'delete') info.verb = 'deletecollection';
  return info;
}
