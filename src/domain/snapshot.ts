import * as z from 'zod';
import type { Assessment } from './assessment.js';
import { assess, type AssessOptions } from './assess.js';
import { BucketFact, GcTask, LABEL_COMPONENT, LABEL_WORKFLOW, Pod, type Snapshot, Workflow } from './objects.js';

/** Raised when input is not the kind of object the rules can read. Always a permanent, user-facing error. */
export class InvalidSnapshotError extends Error {
  override readonly name = 'InvalidSnapshotError';
}

export interface RawSnapshotInput {
  workflow: unknown;
  pods?: unknown[];
  tasks?: unknown[];
  children?: unknown[];
  /** What verify found in the buckets (README "Finishing GC"); absent until it ran. */
  bucketFacts?: unknown[];
}

/** Validates live or file objects at the boundary; the message names the field that is wrong. */
export function parseSnapshot(raw: RawSnapshotInput): Snapshot {
  const workflow = parseOrThrow(Workflow, raw.workflow, 'Workflow');
  const name = workflow.metadata.name;
  const pods = (raw.pods ?? [])
    .map((p, i) => parseOrThrow(Pod, p, `pod #${i + 1}`))
    .filter((p) => isGcPodOf(p, name));
  const tasks = (raw.tasks ?? []).map((t, i) => parseOrThrow(GcTask, t, `WorkflowArtifactGCTask #${i + 1}`));
  const children = (raw.children ?? []).map((c, i) => parseOrThrow(Workflow, c, `child Workflow #${i + 1}`));
  const bucketFacts = raw.bucketFacts?.map((f, i) => parseOrThrow(BucketFact, f, `bucket fact #${i + 1}`));
  return { workflow, pods, tasks, ...(children.length > 0 ? { children } : {}), ...(bucketFacts ? { bucketFacts } : {}) };
}

export function assessRaw(raw: RawSnapshotInput, opts: AssessOptions): Assessment {
  return assess(parseSnapshot(raw), opts);
}

export function isGcPodOf(pod: z.infer<typeof Pod>, workflowName: string): boolean {
  const labels = pod.metadata.labels ?? {};
  return labels[LABEL_WORKFLOW] === workflowName && labels[LABEL_COMPONENT] === 'artifact-gc';
}

function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  const name = nameOf(value);
  throw new InvalidSnapshotError(`${what}${name ? ` ${name}` : ''} is not valid${where}: ${issue.message}`);
}

function nameOf(value: unknown): string | undefined {
  const meta = (value as { metadata?: { namespace?: unknown; name?: unknown } } | null)?.metadata;
  if (!meta || typeof meta.name !== 'string') return undefined;
  return typeof meta.namespace === 'string' ? `${meta.namespace}/${meta.name}` : meta.name;
}

/**
 * Splits what `kubectl get wf,pods,wfat -o json` prints into one snapshot per Workflow: pods by namespace and
 * the `workflows.argoproj.io/workflow` label, tasks and children by ownerReference uid.
 */
export function snapshotsFromObjects(items: unknown[]): RawSnapshotInput[] {
  const workflows: Record<string, unknown>[] = [];
  const pods: Record<string, unknown>[] = [];
  const tasks: Record<string, unknown>[] = [];
  for (const [i, item] of items.entries()) {
    const kind = (item as { kind?: unknown } | null)?.kind;
    if (kind === 'Workflow') workflows.push(item as Record<string, unknown>);
    else if (kind === 'Pod') pods.push(item as Record<string, unknown>);
    else if (kind === 'WorkflowArtifactGCTask') tasks.push(item as Record<string, unknown>);
    else if (typeof kind !== 'string') throw new InvalidSnapshotError(`item #${i + 1} has no kind`);
    // Other kinds (Events, ConfigMaps...) are tolerated and ignored: kubectl output often mixes them in.
  }
  const meta = (o: Record<string, unknown>) =>
    (o.metadata ?? {}) as { name?: string; namespace?: string; uid?: string; labels?: Record<string, string>; ownerReferences?: { uid?: string; kind?: string }[] };
  const ownedBy = (o: Record<string, unknown>, uid: string | undefined, kind: string) =>
    !!uid && (meta(o).ownerReferences ?? []).some((r) => r.uid === uid && r.kind === kind);
  return workflows.map((wf) => {
    const m = meta(wf);
    return {
      workflow: wf,
      pods: pods.filter((p) => meta(p).namespace === m.namespace && meta(p).labels?.[LABEL_WORKFLOW] === m.name),
      tasks: tasks.filter((t) => meta(t).namespace === m.namespace && ownedBy(t, m.uid, 'Workflow')),
      children: workflows.filter((c) => c !== wf && ownedBy(c, m.uid, 'Workflow')),
    };
  });
}
