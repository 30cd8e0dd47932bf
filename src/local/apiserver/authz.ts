import type { Binding, PolicyRule, RbacPolicy, Role, Subject } from './rbac.js';

/**
 * Authentication (bearer token -> user and groups) and RBAC authorization with the rule semantics of the
 * real RBAC authorizer: a request is allowed when any binding that names the user (directly, by group, or
 * as a service account) points at a role with a rule covering verb, API group, resource and name.
 */

export interface UserInfo {
  name: string;
  groups: string[];
}

/** The request, as the API server's RequestInfo describes it for authorization. */
export interface RequestAttributes {
  verb: string;
  isResourceRequest: boolean;
  path: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

export const MASTERS_GROUP = 'system:masters';
export const AUTHENTICATED_GROUP = 'system:authenticated';

/** Groups the real authenticators add: service accounts get theirs, everyone gets system:authenticated. */
export function userInfo(name: string, extraGroups: readonly string[] = []): UserInfo {
  const groups = [...extraGroups];
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(name);
  if (sa) groups.push('system:serviceaccounts', `system:serviceaccounts:${sa[1] ?? ''}`);
  groups.push(AUTHENTICATED_GROUP);
  return { name, groups: [...new Set(groups)] };
}

/** The system:discovery / system:public-info-viewer ClusterRoles every authenticated user has. */
const DISCOVERY_RULE: PolicyRule = {
  verbs: ['get'],
  nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'],
};

/** system:basic-user: anyone may ask what they themselves may do (`kubectl auth can-i`). */
const BASIC_USER_RULE: PolicyRule = {
  verbs: ['create'],
  apiGroups: ['authorization.k8s.io'],
  resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
};

export interface Decision {
  allowed: boolean;
  /** Set when a binding pointed at a role that does not exist, as the RBAC authorizer reports it. */
  reason: string;
}

export function authorize(policy: RbacPolicy, user: UserInfo, attrs: RequestAttributes): Decision {
  if (user.groups.includes(MASTERS_GROUP)) return { allowed: true, reason: '' };
  if (user.groups.includes(AUTHENTICATED_GROUP)) {
    if (ruleAllows(DISCOVERY_RULE, attrs) || ruleAllows(BASIC_USER_RULE, attrs)) return { allowed: true, reason: '' };
  }
  const errors: string[] = [];
  for (const binding of policy.bindings) {
    if (binding.kind === 'RoleBinding' && binding.metadata.namespace !== attrs.namespace) continue;
    if (!binding.subjects.some((s) => subjectMatches(s, user, binding))) continue;
    const role = resolveRole(policy, binding);
    if (!role) {
      errors.push(`${binding.roleRef.kind.toLowerCase()}.rbac.authorization.k8s.io "${binding.roleRef.name}" not found`);
      continue;
    }
    if (role.rules.some((r) => ruleAllows(r, attrs))) return { allowed: true, reason: '' };
  }
  return { allowed: false, reason: errors.length > 0 ? `RBAC: [${errors.join(', ')}]` : '' };
}

function resolveRole(policy: RbacPolicy, binding: Binding): Role | undefined {
  const { kind, name } = binding.roleRef;
  return policy.roles.find(
    (r) => r.kind === kind && r.metadata.name === name && (kind === 'ClusterRole' || r.metadata.namespace === binding.metadata.namespace),
  );
}

function subjectMatches(s: Subject, user: UserInfo, binding: Binding): boolean {
  switch (s.kind) {
    case 'User':
      return s.name === user.name;
    case 'Group':
      return user.groups.includes(s.name);
    case 'ServiceAccount': {
      const ns = s.namespace ?? (binding.kind === 'RoleBinding' ? binding.metadata.namespace : undefined);
      return ns !== undefined && user.name === `system:serviceaccount:${ns}:${s.name}`;
    }
  }
}

function has(list: readonly string[] | undefined, value: string): boolean {
  return list !== undefined && (list.includes('*') || list.includes(value));
}

export function ruleAllows(rule: PolicyRule, attrs: RequestAttributes): boolean {
  if (!has(rule.verbs, attrs.verb)) return false;
  if (!attrs.isResourceRequest) {
    return (rule.nonResourceURLs ?? []).some(
      (u) => u === '*' || u === attrs.path || (u.endsWith('*') && attrs.path.startsWith(u.slice(0, -1))),
    );
  }
  if (!has(rule.apiGroups, attrs.apiGroup)) return false;
  const combined = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const resources = rule.resources ?? [];
  const resourceOk =
    resources.includes('*') ||
    resources.includes(combined) ||
    (attrs.subresource !== '' && resources.includes(`*/${attrs.subresource}`));
  if (!resourceOk) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (attrs.name !== '' && names.includes(attrs.name));
}

/** The message the API server's authorization filter writes (responsewriters.forbiddenMessage). */
export function forbiddenMessage(user: UserInfo, attrs: RequestAttributes): string {
  if (!attrs.isResourceRequest) return `User "${user.name}" cannot ${attrs.verb} path "${attrs.path}"`;
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  if (attrs.namespace) {
    return `User "${user.name}" cannot ${attrs.verb} resource "${resource}" in API group "${attrs.apiGroup}" in the namespace "${attrs.namespace}"`;
  }
  return `User "${user.name}" cannot ${attrs.verb} resource "${resource}" in API group "${attrs.apiGroup}" at the cluster scope`;
}
