import type { BucketPort, Presence } from '../buckets/port.js';
import type { AllowListEntry, ArtifactStorage, WorkflowIdentity } from '../domain/allow-list.js';
import { type ArtifactCheck, type FinishableArtifact, planProbes, type Probe, settle, taskLocations } from '../domain/bucket-facts.js';

export interface VerifyOutcome {
  checks: ArtifactCheck[];
  checkedAt: string;
  /** S3 requests made (HeadBucket not counted: it is asked once per bucket and adapter). */
  requests: number;
}

/**
 * The verify action's reads: for each pending artifact, what its bucket holds (README "Finishing GC" verify). Nothing
 * outside the allow-list is ever asked; where a GC task names another location, nothing is asked either.
 */
export async function verifyInBuckets(
  pending: readonly FinishableArtifact[],
  wf: WorkflowIdentity,
  entries: readonly AllowListEntry[],
  tasks: readonly { metadata: { name: string }; spec?: unknown }[],
  bucket: BucketPort,
  now: () => Date,
): Promise<VerifyOutcome> {
  const plans = planProbes(pending, wf, entries, taskLocations(tasks));
  let requests = 0;
  const checks = await Promise.all(
    plans.map(async (plan) => {
      if (plan.settled || !plan.bucket) return settle(plan, []);
      const ref = { bucket: plan.bucket, region: plan.region };
      const probes: Probe[] = [];
      if (plan.head !== undefined) {
        requests++;
        probes.push(probeOf('HeadObject', plan.bucket, plan.head, await bucket.head(ref, plan.head)));
      }
      for (const prefix of plan.list) {
        requests++;
        probes.push(probeOf('ListObjectsV2', plan.bucket, prefix, await bucket.list(ref, prefix)));
      }
      return settle(plan, probes);
    }),
  );
  return { checks, checkedAt: now().toISOString(), requests };
}

function probeOf(call: Probe['call'], bucket: string, target: string, p: Presence): Probe {
  switch (p.state) {
    case 'present':
      // A listing that was cut short proves presence, and that not every object is known: never deletable whole.
      return { call, bucket, target, state: 'present', objects: p.objects, ...(p.truncated ? { truncated: true } : {}) };
    case 'absent':
      return { call, bucket, target, state: 'absent', detail: p.evidence };
    case 'unknown':
      return { call, bucket, target, state: 'unknown', detail: p.reason };
  }
}

/**
 * The facts in the form the snapshot carries them (issue 11's `bucketFacts`: `{storage, exists, checkedAt}`): a
 * location proven absent or present; anything unknown is left out, so it can never read as absent.
 */
export function snapshotFacts(
  pending: readonly (FinishableArtifact & { storage?: ArtifactStorage | undefined })[],
  outcome: VerifyOutcome,
): { storage: ArtifactStorage; exists: boolean; checkedAt: string }[] {
  const out: { storage: ArtifactStorage; exists: boolean; checkedAt: string }[] = [];
  for (const c of outcome.checks) {
    if (c.result !== 'absent' && c.result !== 'present') continue;
    const a = pending.find((p) => p.node === c.node && p.name === c.name);
    if (a?.storage) out.push({ storage: a.storage, exists: c.result === 'present', checkedAt: outcome.checkedAt });
  }
  return out;
}
