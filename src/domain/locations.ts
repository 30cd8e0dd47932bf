import type { ArtifactStorage, StorageDriver } from './assessment.js';
import { isRecord } from './json.js';
import type { Workflow } from './objects.js';

// Where Argo's GC pod deletes an artifact, ported rule by rule from argoproj/argo-workflows at f016ad89eb
// (v4.1.2): ArtifactLocation.Get / HasLocation / Relocate (pkg/apis/workflow/v1alpha1/workflow_types.go
// L1420-1535, the per-driver HasLocation/GetKey/SetKey at L2923-3396), ArtifactRepository.ToArtifactLocation
// (artifact_repository_types.go L40-77 and the IntoArtifactLocation of each repository type), the task's
// archiveLocation (workflow/controller/artifact_gc.go L321-325) and what the GC pod does with it
// (cmd/argoexec/commands/artifact/delete.go L80-94). Only names and addresses are read: never a secret.

type Fields = Record<string, unknown>;

/** The order of ArtifactLocation.Get() (workflow_types.go L1420-1446): the first driver present wins. */
const LOCATION_ORDER: readonly StorageDriver[] = ['artifactory', 'azure', 'git', 'gcs', 'hdfs', 'http', 'oss', 'raw', 's3', 'plugin'];
/** The order of ArtifactRepository.Get() (artifact_repository_types.go L41-62); a repository has no git, http or raw. */
const REPOSITORY_ORDER: readonly StorageDriver[] = ['artifactory', 'azure', 'gcs', 'hdfs', 'oss', 'plugin', 's3'];

/** Drivers whose Delete returns ErrDeleteNotSupported (workflow/artifacts/common/common.go L40-42). */
export const DRIVERS_WITHOUT_DELETE: ReadonlySet<StorageDriver> = new Set(['hdfs', 'http', 'artifactory', 'git', 'raw']);

/** One driver's block of an ArtifactLocation, such as the value of `s3:`. */
export interface DriverLocation {
  driver: StorageDriver;
  fields: Fields;
}

/** ArtifactLocation.Get(): undefined where Argo says "artifact storage is not configured". */
export function driverLocation(location: unknown): DriverLocation | undefined {
  const l = obj(location);
  if (!l) return undefined;
  for (const driver of LOCATION_ORDER) {
    const fields = obj(l[driver]);
    if (fields) return { driver, fields };
  }
  return undefined;
}

/** The per-driver HasLocation() rules: a *full* location, one the driver can use without relocation. */
export function hasLocation(d: DriverLocation): boolean {
  const f = d.fields;
  switch (d.driver) {
    case 's3': // L2935
      return !!str(f.endpoint) && !!str(f.bucket) && !!str(f.key);
    case 'git': // L2979
      return !!str(f.repo);
    case 'artifactory': // L3033: a URL and a username secret
      return !!str(f.url) && f.usernameSecret !== undefined && f.usernameSecret !== null;
    case 'azure': // L3069
      return !!str(f.endpoint) && !!str(f.container) && !!str(f.blob);
    case 'hdfs': // L3093
      return Array.isArray(f.addresses) && f.addresses.length > 0;
    case 'raw': // L3154: present is enough
      return true;
    case 'http': // L3242
      return !!str(f.url);
    case 'gcs': // L3272
      return !!str(f.bucket) && !!str(f.key);
    case 'oss': // L3329
      return !!str(f.bucket) && !!str(f.endpoint) && !!str(f.key);
    case 'plugin': // L3394
      return !!str(f.name) && !!str(f.configuration) && !!str(f.key);
  }
}

/** GetKey(): undefined where Argo returns "key unsupported" (git, raw). */
export function keyOf(d: DriverLocation): string | undefined {
  const f = d.fields;
  switch (d.driver) {
    case 'git':
    case 'raw':
      return undefined;
    case 'azure':
      return text(f.blob);
    case 'hdfs':
      return text(f.path);
    case 'http':
    case 'artifactory': // the URL's path is the key (L3015-3021, L3224-3230)
      return splitUrl(text(f.url)).path;
    default:
      return text(f.key);
  }
}

/** SetKey() on a copy; undefined where Argo refuses (git, raw). */
function withKey(d: DriverLocation, key: string): DriverLocation | undefined {
  const f = { ...d.fields };
  switch (d.driver) {
    case 'git':
    case 'raw':
      return undefined;
    case 'azure':
      f.blob = key;
      break;
    case 'hdfs':
      f.path = key;
      break;
    case 'http':
    case 'artifactory': {
      // Go's url.URL.String() puts a "/" between a host and a relative path.
      const { origin, rest } = splitUrl(text(f.url));
      f.url = `${origin}${origin && key && !key.startsWith('/') ? '/' : ''}${key}${rest}`;
      break;
    }
    default:
      f.key = key;
  }
  return { driver: d.driver, fields: f };
}

/**
 * ArtifactRepository.ToArtifactLocation(): the repository's driver block as a location. The key it would carry
 * (keyFormat, DefaultArchivePattern) never survives relocation, so only the addressing fields matter here; an
 * Artifactory repository names its base as `repoURL`.
 */
export function repositoryLocation(repository: unknown): DriverLocation | undefined {
  const r = obj(repository);
  if (!r) return undefined;
  for (const driver of REPOSITORY_ORDER) {
    const fields = obj(r[driver]);
    if (!fields) continue;
    if (driver === 'artifactory') {
      const base = text(fields.repoURL);
      return { driver, fields: { ...fields, url: base.endsWith('/') ? base : `${base}/` } };
    }
    return { driver, fields };
  }
  return undefined;
}

export type Resolution =
  | { kind: 'resolved'; source: 'artifact' | 'template' | 'repository'; location: DriverLocation }
  | { kind: 'never-uploaded' }
  | { kind: 'unresolved'; reason: string };

/** A Workflow's templates by name, looked up as Argo's GC does for each node (see templateOf). */
export interface TemplateIndex {
  byName: Map<string, Fields>;
  stored: Map<string, Fields[]>;
  storedByRef: Map<string, Fields>;
}

export function indexTemplates(workflow: Workflow): TemplateIndex {
  const byName = new Map<string, Fields>();
  // Workflow.GetTemplateByName (workflow_types.go L3828-3848): spec.templates, then the stored WorkflowTemplate
  // spec; the first of a name wins.
  const status = workflow.status as Fields | null | undefined;
  for (const list of [(workflow.spec as Fields | null | undefined)?.templates, obj(status?.storedWorkflowTemplateSpec)?.templates]) {
    if (!Array.isArray(list)) continue;
    for (const t of list) {
      const tmpl = obj(t);
      const name = tmpl && str(tmpl.name);
      if (name && !byName.has(name)) byName.set(name, tmpl);
    }
  }
  const stored = new Map<string, Fields[]>();
  const storedByRef = new Map<string, Fields>();
  const storedTemplates = obj(status?.storedTemplates) ?? {};
  for (const id of Object.keys(storedTemplates).sort()) {
    const tmpl = obj(storedTemplates[id]);
    const name = tmpl && str(tmpl.name);
    if (!tmpl || !name) continue;
    storedByRef.set(id, tmpl);
    const same = stored.get(name);
    if (same) same.push(tmpl);
    else stored.set(name, [tmpl]);
  }
  return { byName, stored, storedByRef };
}

interface NodeTemplateRef {
  templateName?: string | undefined;
  templateRef?: { name?: unknown; template?: unknown; clusterScope?: unknown } | null | undefined;
}

/**
 * The node's template, found by util.GetTemplateFromNode (workflow/util/util.go L1478-1483: `templateRef.template`
 * when there is a templateRef, else `templateName`) and GetTemplateByName. Argo ranges over the storedTemplates
 * map, whose order Go randomises; where several stored templates share the name, the one stored under the node's
 * own templateRef id (`namespaced|cluster/<name>/<template>`, L3939-3949) is taken, else the first by id.
 */
export function templateOf(node: NodeTemplateRef, index: TemplateIndex): { template?: Fields; name: string } {
  const ref = node.templateRef ?? undefined;
  const name = ref ? text(ref.template) : (node.templateName ?? '');
  if (!name) return { name };
  const local = index.byName.get(name);
  if (local) return { template: local, name };
  const candidates = index.stored.get(name);
  if (!candidates) return { name };
  if (ref && candidates.length > 1) {
    const id = `${ref.clusterScope === true ? 'cluster' : 'namespaced'}/${text(ref.name)}/${name}`;
    const exact = index.storedByRef.get(id);
    if (exact) return { template: exact, name };
  }
  return { template: candidates[0]!, name };
}

/**
 * Where the GC pod deletes this artifact. Its own location when it HasLocation(); otherwise Relocate() into the
 * task's archiveLocation (the template's when that HasLocation(), else the Workflow's resolved repository),
 * keeping the artifact's own key. An artifact with neither a full location nor a key was never uploaded
 * (HasLocationOrKey() false; argo #13161).
 */
export function resolveArtifact(artifact: unknown, node: NodeTemplateRef, workflow: Workflow, index: TemplateIndex): Resolution {
  const own = driverLocation(artifact);
  if (own && hasLocation(own)) return { kind: 'resolved', source: 'artifact', location: own };
  const key = own ? keyOf(own) : undefined;
  if (!key) return { kind: 'never-uploaded' };
  const { template, name } = templateOf(node, index);
  // Without the template Argo's controller cannot build the task at all (artifact_gc.go L180-189), and guessing
  // the repository could name a bucket the artifact was never written to.
  if (!name) return { kind: 'unresolved', reason: 'its node names no template' };
  if (!template) return { kind: 'unresolved', reason: `template ${name} is not in the Workflow` };
  const archive = driverLocation(template.archiveLocation);
  let source: 'template' | 'repository' = 'template';
  let target = archive && hasLocation(archive) ? archive : undefined;
  if (!target) {
    source = 'repository';
    const repository = (workflow.status?.artifactRepositoryRef as Fields | null | undefined)?.artifactRepository;
    if (repository === undefined || repository === null) {
      return { kind: 'unresolved', reason: 'no archiveLocation on its template and no status.artifactRepositoryRef.artifactRepository' };
    }
    target = repositoryLocation(repository);
    // ToArtifactLocation of a repository without a driver: Relocate then fails with "artifact storage is not configured".
    if (!target) return { kind: 'unresolved', reason: 'the artifact repository names no storage' };
  }
  const moved = withKey(target, key);
  if (!moved) return { kind: 'unresolved', reason: `a ${target.driver} archive location takes no key` };
  return { kind: 'resolved', source, location: moved };
}

/** The resolved location as the driver uses it: addresses only, credentials and query strings dropped. */
export function storageOf(d: DriverLocation): ArtifactStorage {
  const f = d.fields;
  const opt = (k: string, v: string | undefined) => (v ? { [k]: v } : {});
  switch (d.driver) {
    case 's3': {
      // Built field by field, not with spreads: this runs for every pending artifact of every assessment.
      const s3: ArtifactStorage = { driver: 's3' };
      const endpoint = stripUserinfo(str(f.endpoint));
      if (endpoint) s3.endpoint = endpoint;
      const bucket = str(f.bucket);
      if (bucket) s3.bucket = bucket;
      s3.key = text(f.key);
      const region = str(f.region);
      if (region) s3.region = region;
      const addressingStyle = str(f.addressingStyle);
      if (addressingStyle) s3.addressingStyle = addressingStyle;
      return s3;
    }
    case 'gcs':
      return { driver: 'gcs', ...opt('bucket', str(f.bucket)), key: text(f.key) };
    case 'oss':
      return { driver: 'oss', ...opt('endpoint', stripUserinfo(str(f.endpoint))), ...opt('bucket', str(f.bucket)), key: text(f.key) };
    case 'azure':
      return { driver: 'azure', ...opt('endpoint', stripUserinfo(str(f.endpoint))), ...opt('bucket', str(f.container)), key: text(f.blob) };
    case 'hdfs': {
      const addresses = Array.isArray(f.addresses) ? f.addresses.filter((a): a is string => typeof a === 'string') : [];
      return { driver: 'hdfs', ...opt('endpoint', addresses.join(',')), key: text(f.path) };
    }
    case 'http':
    case 'artifactory': {
      const { origin, path } = splitUrl(text(f.url));
      return { driver: d.driver, ...opt('endpoint', stripUserinfo(origin)), key: path };
    }
    case 'git': {
      const { origin, path } = splitUrl(text(f.repo));
      return { driver: 'git', ...opt('endpoint', stripUserinfo(origin + path)) };
    }
    case 'raw':
      return { driver: 'raw' };
    case 'plugin':
      return { driver: 'plugin', ...opt('plugin', str(f.name)), key: text(f.key) };
  }
}

/** A URL a person can paste into their storage console. */
export function displayLocation(s: ArtifactStorage): string {
  const key = (s.key ?? '').replace(/^\/+/, '');
  const bucket = s.bucket ?? '<no bucket>';
  switch (s.driver) {
    case 's3':
      return `s3://${bucket}/${key}`;
    case 'gcs':
      return `gs://${bucket}/${key}`;
    case 'oss':
      return `oss://${bucket}/${key}`;
    case 'azure':
      return s.endpoint ? `${s.endpoint.replace(/\/+$/, '')}/${bucket}/${key}` : `azblob://${bucket}/${key}`;
    case 'hdfs':
      return `hdfs:///${key}`;
    case 'http':
    case 'artifactory':
      return `${s.endpoint ?? ''}/${key}`;
    case 'git':
      return s.endpoint ?? 'git (no repository)';
    case 'raw':
      return 'raw (inline in the Workflow)';
    case 'plugin':
      return `plugin://${s.plugin ?? '<no plugin>'}/${key}`;
  }
}

/** `scheme://authority` and the path, the query and fragment set apart (`rest`), as url.Parse splits them. */
function splitUrl(url: string): { origin: string; path: string; rest: string } {
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]*)?([^?#]*)(.*)$/is.exec(url)!;
  return { origin: m[1] ?? '', path: m[2] ?? '', rest: m[3] ?? '' };
}

function stripUserinfo(url: string | undefined): string | undefined {
  // Nearly every endpoint has no userinfo: skip the two regular expressions, run per artifact.
  if (!url || !url.includes('@')) return url;
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@?#]*@/i, '$1').replace(/^[^/:@?#]*(:[^/@?#]*)?@/, '');
}

function obj(v: unknown): Fields | undefined {
  return isRecord(v) ? v : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
