import type { ArtifactStorage, GcStrategy, PendingArtifact, SuspectedDirectoryOrphan } from './assessment.js';
import { isRecord } from './json.js';
import { displayLocation, indexTemplates, resolveArtifact, storageOf, type TemplateIndex } from './locations.js';
import type { Artifact, BucketFact, Nodes, Workflow } from './objects.js';

/**
 * Effective strategy, as Argo's GetArtifactGCStrategy resolves it against the executed spec: the artifact's own,
 * else the stored template spec's (workflowTemplateRef), else the Workflow's; "" or nothing means Never.
 */
export function effectiveStrategy(artifact: Artifact, workflow: Workflow): GcStrategy {
  return nonEmpty(artifact.artifactGC?.strategy) ?? workflowStrategy(workflow);
}

/** The strategy of an artifact that names none (see effectiveStrategy): read once per Workflow, not per artifact. */
function workflowStrategy(workflow: Workflow): GcStrategy {
  return nonEmpty(workflow.status?.storedWorkflowTemplateSpec?.artifactGC?.strategy) ?? nonEmpty(workflow.spec?.artifactGC?.strategy) ?? 'Never';
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

export interface NodeArtifacts {
  pending: PendingArtifact[];
  suspectedDirectoryOrphans: SuspectedDirectoryOrphan[];
  /** The subset marked `deleted: true` on the Workflow itself, for verdicts reached without reading tasks. */
  suspectedFromWorkflowAlone: SuspectedDirectoryOrphan[];
}

/**
 * Artifacts the controller still owes a delete: on Pod nodes (the only ones Argo collects from), with a
 * strategy other than Never, and not marked deleted. Archived logs (main-logs) count like any other. Each is
 * located as Argo's GC pod would locate it (locations.ts).
 *
 * Also the artifacts GC may have "deleted" without deleting (argo #14387): `archive: none` on S3 with a key
 * that does not end in `/`, so the driver removes one object named like the directory, and reports success.
 * `gcReportedSuccess` says whether a GC task holds `success: true` for a node's artifact.
 */
export function nodeArtifacts(nodes: Nodes, workflow: Workflow, gcReportedSuccess: (node: string, artifact: string) => boolean): NodeArtifacts {
  const pending: PendingArtifact[] = [];
  const suspectedDirectoryOrphans: SuspectedDirectoryOrphan[] = [];
  const suspectedFromWorkflowAlone: SuspectedDirectoryOrphan[] = [];
  let templates: TemplateIndex | undefined;
  // Visited in map order and sorted by node id at the end (stable: a node's artifacts keep their order): the same
  // lists as visiting the ids sorted, sorting only the few nodes that owe something instead of every node.
  const unnamed = workflowStrategy(workflow);
  for (const nodeId of Object.keys(nodes)) {
    const node = nodes[nodeId]!;
    if (node.type !== 'Pod') continue;
    for (const artifact of node.outputs?.artifacts ?? []) {
      const strategy = nonEmpty(artifact.artifactGC?.strategy) ?? unnamed;
      if (strategy === 'Never') continue;
      const deleted = artifact.deleted === true;
      const dirSuspect = isArchiveNone(artifact) && (deleted || gcReportedSuccess(nodeId, artifact.name));
      if (deleted && !dirSuspect) continue;
      const r = resolveArtifact(artifact, node, workflow, (templates ??= indexTemplates(workflow)));
      const storage = r.kind === 'resolved' ? storageOf(r.location) : undefined;
      const location = storage ? displayLocation(storage) : undefined;
      if (dirSuspect && storage?.driver === 's3' && !(storage.key ?? '').endsWith('/')) {
        const orphan = { node: nodeId, name: artifact.name, location: location!, storage };
        suspectedDirectoryOrphans.push(orphan);
        if (deleted) suspectedFromWorkflowAlone.push(orphan);
      }
      if (deleted) continue;
      pending.push({
        node: nodeId,
        name: artifact.name,
        strategy,
        ...(location ? { location } : {}),
        ...(storage ? { storage } : {}),
        ...(r.kind === 'never-uploaded' ? { neverUploaded: true as const } : {}),
        ...(r.kind === 'unresolved' ? { unresolved: r.reason } : {}),
      });
    }
  }
  return { pending: byNode(pending), suspectedDirectoryOrphans: byNode(suspectedDirectoryOrphans), suspectedFromWorkflowAlone: byNode(suspectedFromWorkflowAlone) };
}

/** Sorted by node id in code-unit order, as `Object.keys(nodes).sort()` orders them. */
function byNode<T extends { node: string }>(list: T[]): T[] {
  return list.length > 1 ? list.sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0)) : list;
}

function isArchiveNone(artifact: Artifact): boolean {
  const archive = (artifact as { archive?: unknown }).archive;
  const none = isRecord(archive) ? archive['none'] : undefined;
  return none !== undefined && none !== null;
}

/**
 * Row 11's test: every pending artifact was never uploaded, or was looked for at exactly its resolved location
 * and found absent there, with no fact saying it exists. A fact about any other location proves nothing.
 */
export function verifiedAbsent(pending: PendingArtifact[], facts: BucketFact[]): boolean {
  if (pending.length === 0) return false;
  return pending.every((a) => {
    if (a.neverUploaded) return true;
    if (!a.storage) return false;
    const mine = facts.filter((f) => sameLocation(f.storage, a.storage!));
    return mine.length > 0 && mine.every((f) => !f.exists);
  });
}

function sameLocation(x: ArtifactStorage, y: ArtifactStorage): boolean {
  return x.driver === y.driver && (x.endpoint ?? '') === (y.endpoint ?? '') && (x.bucket ?? '') === (y.bucket ?? '') && (x.key ?? '') === (y.key ?? '');
}
