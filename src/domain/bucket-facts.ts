import { allowance, type AllowListEntry, type WorkflowIdentity } from './allow-list.js';
import type { PendingArtifact } from './assessment.js';
import { isRecord } from './json.js';

/**
 * What finishing GC learnt in the buckets, as plain data (README "Finishing GC" verify): it goes into the snapshot so
 * the assessment stays a pure function of what was read, and row 11 (`artifacts-verified-absent`) can fire.
 */
export interface ObjectFact {
  key: string;
  size: number;
  etag?: string;
}

/** One request and what it proved. */
export interface Probe {
  call: 'HeadObject' | 'ListObjectsV2';
  bucket: string;
  /** The key (HeadObject) or prefix (ListObjectsV2). */
  target: string;
  state: 'present' | 'absent' | 'unknown';
  /** For absent: the S3 answer that proves it; for unknown: why nothing is proved. */
  detail?: string;
  objects?: ObjectFact[];
  truncated?: boolean;
}

export type CheckResult = 'absent' | 'present' | 'unknown' | 'never-uploaded' | 'not-allowed' | 'location-mismatch';

export interface ArtifactCheck {
  node: string;
  name: string;
  result: CheckResult;
  bucket?: string;
  key?: string;
  region?: string;
  probes: Probe[];
  reason?: string;
}

export interface BucketFacts {
  checkedAt: string;
  artifacts: ArtifactCheck[];
}

/** A pending artifact as finishing reads it: its node, name and resolved `storage` (README "The decision, in plain words"). */
export interface FinishableArtifact {
  node: string;
  name: string;
  storage?: PendingArtifact['storage'] | undefined;
  neverUploaded?: boolean | undefined;
}

/** What to ask the bucket for one artifact. */
export interface ProbePlan {
  node: string;
  name: string;
  /** Set when nothing is to be asked: the result is already known. */
  settled?: { result: CheckResult; reason: string };
  bucket?: string;
  region?: string | undefined;
  key?: string;
  /** HeadObject this key (absent for a prefix key). */
  head?: string;
  /** ListObjectsV2 these prefixes: the key itself when it ends in `/`, else `key/` (argo #14387 directories). */
  list: string[];
}

/**
 * Pure: the requests that settle each pending artifact. A key ending in `/` is a prefix (Argo's S3 driver deletes
 * those recursively); any other key is one object, and `key/` is listed too, because an `archive: none`
 * directory saved without a trailing slash leaves its files there while GC reports success (argo #14387).
 */
export function planProbes(
  pending: readonly FinishableArtifact[],
  wf: WorkflowIdentity,
  entries: readonly AllowListEntry[],
  byTask: Map<string, TaskLocation[]> = new Map(),
): ProbePlan[] {
  return pending.map((a) => {
    if (a.neverUploaded) return { node: a.node, name: a.name, list: [], settled: { result: 'never-uploaded', reason: 'no key and no location: never uploaded (argo #13161)' } };
    const allowed = allowance(a.storage, wf, entries);
    if (!allowed.allowed) return { node: a.node, name: a.name, list: [], settled: { result: 'not-allowed', reason: allowed.reason } };
    const { bucket, key, region } = allowed;
    // A wrong bucket must never read as "nothing there": where Argo's own task disagrees, nothing is concluded.
    const mismatch = locationMismatch(a, { bucket, key }, byTask);
    if (mismatch) return { node: a.node, name: a.name, bucket, key, list: [], settled: { result: 'location-mismatch', reason: mismatch } };
    return key.endsWith('/')
      ? { node: a.node, name: a.name, bucket, region, key, list: [key] }
      : { node: a.node, name: a.name, bucket, region, key, head: key, list: [`${key}/`] };
  });
}

/** Pure: one artifact's result from its probes. Absent only when every probe proved absence. */
export function settle(plan: ProbePlan, probes: Probe[]): ArtifactCheck {
  const base = { node: plan.node, name: plan.name, ...(plan.bucket ? { bucket: plan.bucket } : {}), ...(plan.key ? { key: plan.key } : {}), ...(plan.region ? { region: plan.region } : {}) };
  if (plan.settled) return { ...base, result: plan.settled.result, reason: plan.settled.reason, probes: [] };
  const unknown = probes.find((p) => p.state === 'unknown');
  if (unknown) return { ...base, result: 'unknown', reason: `${unknown.call} ${unknown.target}: ${unknown.detail ?? 'no answer'}`, probes };
  if (probes.some((p) => p.state === 'present')) {
    const n = probes.reduce((sum, p) => sum + (p.objects?.length ?? 0), 0);
    return { ...base, result: 'present', reason: `${n} object(s) still in s3://${plan.bucket}`, probes };
  }
  return { ...base, result: 'absent', reason: probes.map((p) => `${p.call} ${p.target}: ${p.detail ?? 'absent'}`).join('; '), probes };
}

/** True when the facts prove every pending artifact gone or never uploaded (row 11). */
export function verifiedAbsent(pending: readonly { node: string; name: string }[], facts: BucketFacts | undefined): boolean {
  if (!facts || pending.length === 0) return false;
  return pending.every((a) => {
    const c = facts.artifacts.find((x) => x.node === a.node && x.name === a.name);
    return c !== undefined && (c.result === 'absent' || c.result === 'never-uploaded');
  });
}

/** Every object the facts saw, per bucket: what a completion would delete. */
export function presentObjects(check: ArtifactCheck): ObjectFact[] {
  const seen = new Map<string, ObjectFact>();
  for (const p of check.probes) for (const o of p.objects ?? []) seen.set(o.key, o);
  return [...seen.values()].sort((a, b) => a.key.localeCompare(b.key));
}

/** What a GC task says Argo itself would delete for one artifact: `spec.artifactsByNode`, relocated as Argo does. */
export interface TaskLocation {
  task: string;
  bucket: string | undefined;
  key: string | undefined;
  endpoint: string | undefined;
}

type Loose = Record<string, unknown>;

/**
 * Pure. For each artifact a GC task names: the S3 location the GC pod would delete (cmd/argoexec/commands/artifact/
 * delete.go L89-94: `Relocate(archiveLocation)` keeps an artifact that HasLocation, else takes the archive
 * location with the artifact's own key; S3 HasLocation needs endpoint, bucket and key).
 */
export function taskLocations(tasks: readonly { metadata: { name: string }; spec?: unknown }[]): Map<string, TaskLocation[]> {
  const out = new Map<string, TaskLocation[]>();
  for (const task of tasks) {
    const byNode = obj(obj(task.spec)?.artifactsByNode) ?? {};
    for (const [node, entry] of Object.entries(byNode)) {
      const archive = obj(obj(obj(entry)?.archiveLocation)?.s3);
      for (const [name, artifact] of Object.entries(obj(obj(entry)?.artifacts) ?? {})) {
        const s3 = obj(obj(artifact)?.s3);
        if (!s3) continue;
        const own = str(s3.endpoint) && str(s3.bucket) && str(s3.key);
        const from = own || !archive ? s3 : archive;
        const loc = { task: task.metadata.name, bucket: str(from.bucket), key: str(s3.key), endpoint: str(from.endpoint) };
        const id = `${node}/${str(obj(artifact)?.name) ?? name}`;
        out.set(id, [...(out.get(id) ?? []), loc]);
      }
    }
  }
  return out;
}

/** Why a task's location and the resolver's disagree, or undefined when they agree (or no task names it). */
export function locationMismatch(
  artifact: { node: string; name: string },
  resolved: { bucket: string; key: string },
  byTask: Map<string, TaskLocation[]>,
): string | undefined {
  for (const t of byTask.get(`${artifact.node}/${artifact.name}`) ?? []) {
    const key = t.key?.replace(/^\/+/, '');
    if (t.bucket !== resolved.bucket || key !== resolved.key) {
      return `location-mismatch: GC task ${t.task} would delete s3://${t.bucket ?? '?'}/${key ?? '?'}, the resolver says s3://${resolved.bucket}/${resolved.key}`;
    }
  }
  return undefined;
}

function obj(v: unknown): Loose | undefined {
  return isRecord(v) ? v : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}
