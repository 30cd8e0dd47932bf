/**
 * Which pending artifacts finishing GC may touch (README "Finishing GC", invariant 10), pure. A location is allowed when
 * its bucket is listed in `finishing.buckets` and its key lies under one of that bucket's prefixes with the
 * Workflow's own name or uid filled in. Nothing here reads a bucket.
 */
import type { ArtifactStorage } from './assessment.js';

export type { ArtifactStorage };

/** What the allow-list says for one bucket (the config's `finishing.buckets[]`, structurally). */
export interface AllowListEntry {
  bucket: string;
  region?: string | undefined;
  keyPrefixes: readonly string[];
}

export interface WorkflowIdentity {
  name: string;
  uid?: string | undefined;
}

export type Allowance =
  | { allowed: true; bucket: string; key: string; region: string | undefined; prefix: string }
  | { allowed: false; reason: string };

const NAME = '{{workflow.name}}';
const UID = '{{workflow.uid}}';

/** AWS S3 proper: no endpoint, `s3.amazonaws.com`, or a regional `s3.<region>.amazonaws.com` (dualstack too). */
export function isAwsS3Endpoint(endpoint: string | undefined): boolean {
  if (endpoint === undefined || endpoint === '') return true;
  const host = endpoint.replace(/^https?:\/\//, '').replace(/\/.*$/, '').replace(/:443$/, '').toLowerCase();
  return host === 's3.amazonaws.com' || /^s3[.-](dualstack\.)?[a-z]{2}(-[a-z]+)+-\d\.amazonaws\.com$/.test(host);
}

/** The region a regional AWS endpoint names, if any. */
export function regionOfEndpoint(endpoint: string | undefined): string | undefined {
  const m = /^(?:https?:\/\/)?s3[.-](?:dualstack\.)?([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com/i.exec(endpoint ?? '');
  return m?.[1]?.toLowerCase();
}

/** The concrete prefixes one Workflow may touch in a bucket; a prefix naming the uid needs the uid. */
export function concretePrefixes(entry: AllowListEntry, wf: WorkflowIdentity): string[] {
  const out: string[] = [];
  for (const p of entry.keyPrefixes) {
    if (p.includes(UID) && !wf.uid) continue;
    const concrete = p.replaceAll(NAME, wf.name).replaceAll(UID, wf.uid ?? '');
    // A filled-in prefix must still stop at a segment boundary and hold no empty segment.
    if (concrete.endsWith('/') && !concrete.split('/').slice(0, -1).some((s) => s === '' || s === '.' || s === '..')) out.push(concrete);
  }
  return out;
}

/** Whether finishing may read and delete this location for this Workflow. */
export function allowance(storage: ArtifactStorage | undefined, wf: WorkflowIdentity, entries: readonly AllowListEntry[]): Allowance {
  if (!storage) return { allowed: false, reason: 'location not resolved' };
  if (storage.driver !== 's3') return { allowed: false, reason: `driver ${storage.driver} is not S3` };
  // The adapter reaches AWS S3 only: a same-named bucket behind another endpoint (MinIO, Ceph...) is another
  // bucket, and reading it there would be reading the wrong one.
  if (!isAwsS3Endpoint(storage.endpoint)) return { allowed: false, reason: `endpoint ${storage.endpoint} is not AWS S3` };
  if (!storage.bucket) return { allowed: false, reason: 'no bucket' };
  if (!storage.key) return { allowed: false, reason: 'no key' };
  const entry = entries.find((e) => e.bucket === storage.bucket);
  if (!entry) return { allowed: false, reason: `bucket ${storage.bucket} is not in finishing.buckets` };
  const key = storage.key.replace(/^\/+/, '');
  if (key.split('/').some((s) => s === '.' || s === '..')) return { allowed: false, reason: `key ${key} holds '.' or '..' segments` };
  const prefix = concretePrefixes(entry, wf).find((p) => key.startsWith(p) && key.length > p.length);
  if (!prefix) return { allowed: false, reason: `key ${key} is under no allowed prefix of bucket ${entry.bucket} for this Workflow` };
  const region = entry.region ?? storage.region ?? regionOfEndpoint(storage.endpoint);
  return { allowed: true, bucket: entry.bucket, key, region, prefix };
}
