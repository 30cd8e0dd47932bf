import { apiVersionOf, groupVersions, RESOURCES, type ResourceType } from './resources.js';

/**
 * A skeleton OpenAPI v3 (no schemas): one PATCH and one POST operation per resource, tagged with its
 * GroupVersionKind and declaring the `fieldValidation` query parameter. That is what kubectl (create,
 * apply) looks for to decide that the server validates; without it kubectl tries to download schemas and
 * stops with "failed to download openapi". With no schema for a kind, kubectl falls back to merge patches.
 */

function gvPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/** `GET /openapi/v3`: one entry per group version. */
export function openapiRoot(): Record<string, unknown> {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of groupVersions()) {
    const p = gvPath(gv.group, gv.version);
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=local` };
  }
  return { paths };
}

const FIELD_VALIDATION = {
  name: 'fieldValidation',
  in: 'query',
  description: 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.',
  schema: { type: 'string', uniqueItems: true },
};

function operations(rt: ResourceType): Record<string, unknown> {
  const gvk = { group: rt.group, version: rt.version, kind: rt.kind };
  const base = `/${gvPath(rt.group, rt.version)}${rt.namespaced ? '/namespaces/{namespace}' : ''}/${rt.plural}`;
  const op = (id: string): Record<string, unknown> => ({
    operationId: `${id}${rt.kind}`,
    parameters: [FIELD_VALIDATION],
    responses: { '200': { description: 'OK' } },
    'x-kubernetes-action': id === 'patch' ? 'patch' : 'post',
    'x-kubernetes-group-version-kind': gvk,
  });
  return {
    [base]: { post: op('create') },
    [`${base}/{name}`]: { patch: op('patch') },
  };
}

/** `GET /openapi/v3/apis/{group}/{version}` (or `/api/v1`); undefined for a group version not served. */
export function openapiGroupVersion(path: string): Record<string, unknown> | undefined {
  const resources = RESOURCES.filter((r) => gvPath(r.group, r.version) === path);
  const first = resources[0];
  if (!first) return undefined;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths: Object.assign({}, ...resources.map(operations)) as Record<string, unknown>,
    components: { schemas: {} },
    'x-local-apiserver': `skeleton for ${apiVersionOf(first)}: operations only, no schemas`,
  };
}
