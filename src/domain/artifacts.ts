import type { GcStrategy, PendingArtifact } from './assessment.js';
import type { Artifact, Nodes, Workflow } from './objects.js';

/**
 * Effective strategy, as Argo's GetArtifactGCStrategy resolves it against the executed spec: the artifact's own,
 * else the stored template spec's (workflowTemplateRef), else the Workflow's; "" or nothing means Never.
 */
export function effectiveStrategy(artifact: Artifact, workflow: Workflow): GcStrategy {
  return (
    nonEmpty(artifact.artifactGC?.strategy) ??
    nonEmpty(workflow.status?.storedWorkflowTemplateSpec?.artifactGC?.strategy) ??
    nonEmpty(workflow.spec?.artifactGC?.strategy) ??
    'Never'
  );
}

export function forceFinalizerRemoval(workflow: Workflow): boolean {
  return (
    workflow.status?.storedWorkflowTemplateSpec?.artifactGC?.forceFinalizerRemoval ??
    workflow.spec?.artifactGC?.forceFinalizerRemoval ??
    false
  );
}

function nonEmpty(s: GcStrategy | '' | undefined): GcStrategy | undefined {
  return s === '' || s === undefined ? undefined : s;
}

/**
 * Artifacts the controller still owes a delete: on Pod nodes (the only ones Argo collects from), with a
 * strategy other than Never, and not marked deleted. Archived logs (main-logs) count like any other.
 */
export function pendingArtifacts(nodes: Nodes, workflow: Workflow): PendingArtifact[] {
  const repository = workflow.status?.artifactRepositoryRef?.artifactRepository ?? undefined;
  const pending: PendingArtifact[] = [];
  for (const nodeId of Object.keys(nodes).sort()) {
    const node = nodes[nodeId]!;
    if (node.type !== 'Pod') continue;
    for (const artifact of node.outputs?.artifacts ?? []) {
      const strategy = effectiveStrategy(artifact, workflow);
      if (strategy === 'Never' || artifact.deleted === true) continue;
      const location = artifactLocation(artifact, repository);
      pending.push({ node: nodeId, name: artifact.name, strategy, ...(location ? { location } : {}) });
    }
  }
  return pending;
}

type Repository = Record<string, unknown> | undefined;

/**
 * A URL a person can paste into their storage console. Key-only entries (archived logs) borrow the bucket
 * from the artifact repository the Workflow ran with. Credentials in URLs are never echoed.
 */
export function artifactLocation(artifact: Artifact, repository: Repository): string | undefined {
  const a = artifact as Record<string, unknown>;
  const s3 = obj(a.s3);
  if (s3) return bucketUrl('s3', str(s3.bucket) ?? str(obj(repository?.s3)?.bucket), str(s3.key));
  const gcs = obj(a.gcs);
  if (gcs) return bucketUrl('gs', str(gcs.bucket) ?? str(obj(repository?.gcs)?.bucket), str(gcs.key));
  const oss = obj(a.oss);
  if (oss) return bucketUrl('oss', str(oss.bucket) ?? str(obj(repository?.oss)?.bucket), str(oss.key));
  const azure = obj(a.azure);
  if (azure) {
    const repo = obj(repository?.azure);
    const container = str(azure.container) ?? str(repo?.container);
    const blob = str(azure.blob);
    const endpoint = str(azure.endpoint) ?? str(repo?.endpoint);
    if (!container || !blob) return undefined;
    return endpoint ? `${stripCredentials(endpoint).replace(/\/+$/, '')}/${container}/${blob}` : `azblob://${container}/${blob}`;
  }
  const hdfs = obj(a.hdfs);
  if (hdfs && str(hdfs.path)) return `hdfs://${str(hdfs.path)!.replace(/^\/+/, '/')}`;
  for (const kind of ['artifactory', 'http'] as const) {
    const loc = obj(a[kind]);
    if (loc && str(loc.url)) return stripCredentials(str(loc.url)!);
  }
  const git = obj(a.git);
  if (git && str(git.repo)) return stripCredentials(str(git.repo)!);
  if (obj(a.raw)) return 'raw (inline in the Workflow)';
  return undefined;
}

function bucketUrl(scheme: string, bucket: string | undefined, key: string | undefined): string | undefined {
  if (!key) return undefined;
  return `${scheme}://${bucket ?? '<default bucket>'}/${key.replace(/^\/+/, '')}`;
}

function stripCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}
