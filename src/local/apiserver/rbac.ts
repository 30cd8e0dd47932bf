import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import * as z from 'zod';
import { isRecord } from '../../domain/json.js';

/**
 * RBAC objects (ClusterRole, Role, ClusterRoleBinding, RoleBinding) as the real authorizer reads them, and
 * their loading from manifests. The zod schemas are the source of truth for what we accept.
 */

const Meta = z.looseObject({ name: z.string().min(1), namespace: z.string().optional() });

export const PolicyRule = z.looseObject({
  apiGroups: z.array(z.string()).optional(),
  resources: z.array(z.string()).optional(),
  verbs: z.array(z.string()).min(1),
  resourceNames: z.array(z.string()).optional(),
  nonResourceURLs: z.array(z.string()).optional(),
});
export type PolicyRule = z.infer<typeof PolicyRule>;

export const Role = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.enum(['ClusterRole', 'Role']),
  metadata: Meta,
  rules: z.array(PolicyRule).nullish().transform((r) => r ?? []),
});
export type Role = z.infer<typeof Role>;

export const Subject = z.looseObject({
  kind: z.enum(['User', 'Group', 'ServiceAccount']),
  name: z.string().min(1),
  namespace: z.string().optional(),
  apiGroup: z.string().optional(),
});
export type Subject = z.infer<typeof Subject>;

export const Binding = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.enum(['ClusterRoleBinding', 'RoleBinding']),
  metadata: Meta,
  roleRef: z.looseObject({ kind: z.enum(['ClusterRole', 'Role']), name: z.string().min(1), apiGroup: z.string().optional() }),
  subjects: z.array(Subject).nullish().transform((s) => s ?? []),
});
export type Binding = z.infer<typeof Binding>;

export interface RbacPolicy {
  roles: Role[];
  bindings: Binding[];
}

/** What `ApiServerOptions.rbac` accepts: parsed objects, or a path to a (multi-document) YAML file. */
export type RbacSource = { clusterRoles: object[]; bindings: object[] } | string | string[];

const RBAC_DIR = new URL('../../../infra/rbac/', import.meta.url);

/** The project's own manifests: the remediator's ClusterRole and its binding. */
export function defaultRbacFiles(): string[] {
  return [fileURLToPath(new URL('clusterrole.yaml', RBAC_DIR)), fileURLToPath(new URL('clusterrolebinding.yaml', RBAC_DIR))];
}

/** The optional ClusterRole (and binding) that lets finishing re-arm GC: delete on workflowartifactgctasks. */
export function finishingRbacFile(): string {
  return fileURLToPath(new URL('finishing/clusterrole.yaml', RBAC_DIR));
}

/** Reads RBAC objects from YAML files; documents of other kinds (ServiceAccount...) are skipped. */
export function readRbacFiles(paths: string[]): RbacPolicy {
  const docs: unknown[] = [];
  for (const path of paths) {
    for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]?.message ?? 'invalid YAML'}`);
      const value: unknown = doc.toJS();
      if (value !== null && value !== undefined) docs.push(value);
    }
  }
  return fromObjects(docs);
}

export function fromObjects(objects: unknown[]): RbacPolicy {
  const policy: RbacPolicy = { roles: [], bindings: [] };
  for (const o of objects) {
    const kind = isRecord(o) ? o['kind'] : undefined;
    if (kind === 'ClusterRole' || kind === 'Role') policy.roles.push(parseOrThrow(Role, o, String(kind)));
    else if (kind === 'ClusterRoleBinding' || kind === 'RoleBinding') policy.bindings.push(parseOrThrow(Binding, o, String(kind)));
  }
  return policy;
}

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(`invalid ${what}: ${z.prettifyError(r.error)}`);
  return r.data;
}

export function loadRbac(source: RbacSource | undefined): RbacPolicy {
  if (source === undefined) return readRbacFiles(defaultRbacFiles());
  if (typeof source === 'string') return readRbacFiles([source]);
  if (Array.isArray(source)) return readRbacFiles(source);
  return fromObjects([...source.clusterRoles, ...source.bindings]);
}
