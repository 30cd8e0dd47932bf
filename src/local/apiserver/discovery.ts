import { RESOURCES, groupVersions, type ResourceType } from './resources.js';

/**
 * Legacy (unaggregated) discovery documents. kubectl asks for aggregated discovery first; a plain
 * `application/json` answer makes it fall back to these, which is what older servers do.
 */

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-argo-finalizer-remediator-local',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** Extra groups served outside RESOURCES (handled specially by the router). */
export const AUTHORIZATION_GROUP = 'authorization.k8s.io';

function apiResource(rt: ResourceType): Record<string, unknown> {
  const r: Record<string, unknown> = {
    name: rt.plural,
    singularName: rt.singular,
    namespaced: rt.namespaced,
    kind: rt.kind,
    verbs: rt.verbs,
  };
  if (rt.shortNames.length > 0) r.shortNames = rt.shortNames;
  if (rt.categories.length > 0) r.categories = rt.categories;
  return r;
}

export function coreVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDoc(group: string): Record<string, unknown> | undefined {
  if (group === AUTHORIZATION_GROUP) {
    const gv = { groupVersion: `${AUTHORIZATION_GROUP}/v1`, version: 'v1' };
    return { name: AUTHORIZATION_GROUP, versions: [gv], preferredVersion: gv };
  }
  const versions = groupVersions()
    .filter((g) => g.group === group)
    .map((g) => ({ groupVersion: `${g.group}/${g.version}`, version: g.version }));
  if (versions.length === 0) return undefined;
  return { name: group, versions, preferredVersion: versions[0] };
}

export function groupList(): Record<string, unknown> {
  const groups = [...new Set(groupVersions().map((g) => g.group))].filter((g) => g !== '');
  groups.push(AUTHORIZATION_GROUP);
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map((g) => groupDoc(g)) };
}

export function group(name: string): Record<string, unknown> | undefined {
  const doc = groupDoc(name);
  return doc ? { kind: 'APIGroup', apiVersion: 'v1', ...doc } : undefined;
}

export function resourceList(group: string, version: string): Record<string, unknown> | undefined {
  if (group === AUTHORIZATION_GROUP && version === 'v1') {
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: `${AUTHORIZATION_GROUP}/v1`,
      resources: [
        { name: 'selfsubjectaccessreviews', singularName: 'selfsubjectaccessreview', namespaced: false, kind: 'SelfSubjectAccessReview', verbs: ['create'] },
      ],
    };
  }
  const resources = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (resources.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group === '' ? version : `${group}/${version}`,
    resources: resources.flatMap((rt) => [
      apiResource(rt),
      ...(rt.subresources ?? []).map((sub) => ({ name: `${rt.plural}/${sub.name}`, singularName: '', namespaced: rt.namespaced, kind: sub.kind, verbs: sub.verbs })),
    ]),
  };
}
