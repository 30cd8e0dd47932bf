import type { GcStrategy } from './assessment.js';
import { strategyOf } from './gc-machinery.js';
import { ANNOTATION_GC_STRATEGY, type GcTask, type Pod, type Workflow } from './objects.js';
import { pinTests } from './patch.js';
import { formatRearm, readRearm, REARM_ANNOTATION } from './rearm.js';

/**
 * Re-arming Argo's artifact GC (README "Finishing GC" rearm: the controller's own sequence in workflow/controller/artifact_gc.go), pure: which tasks go, and the
 * one guarded JSON patch that makes the controller run GC again for what is still pending.
 *
 * Why the sequence is what it is (argo workflow/controller/artifact_gc.go at f016ad8):
 * - a strategy starts only when it is not in `strategiesProcessed` (L107-122);
 * - a task of the same name is reused with its old status (L358-375), and a pod that exists is taken as the new
 *   one (L537-544), and names are deterministic (L241-275): so the old tasks must be deleted, and their pods gone
 *   (ownerReference cascade), before the status is reset;
 * - a pod in `podsRecouped` is skipped forever (L563-566): so its entry goes too.
 */

/** A GC pod's or task's strategy: its annotation, else its `<wf>-artgc-<wfcomp|wfdel>-<hash>[-i]` name. */
function strategyOfGcObject(meta: { name: string; annotations?: Record<string, string> | null | undefined }): GcStrategy | undefined {
  return strategyOf(meta.annotations?.[ANNOTATION_GC_STRATEGY], meta.name);
}

export interface RearmPlan {
  strategies: GcStrategy[];
  /** Tasks to DELETE (with a uid precondition), and the GC pods that must be gone before the patch. */
  tasks: { name: string; uid: string | undefined }[];
  pods: string[];
  /** `podsRecouped` entries of these strategies, removed in the patch. */
  recouped: string[];
  /** `strategiesProcessed` entries removed in the patch. */
  processed: GcStrategy[];
}

/**
 * Pure: the objects a re-arm of `strategies` touches. A GC pod belongs to a strategy by its annotation or name;
 * a task by its name (`<pod>-<i>`), and its pod is the name without the index.
 */
export function planRearm(workflow: Workflow, pods: readonly Pod[], tasks: readonly GcTask[], strategies: readonly GcStrategy[]): RearmPlan {
  const want = new Set(strategies);
  const gcStatus = workflow.status?.artifactGCStatus ?? {};
  const ofStrategy = (meta: { name: string; annotations?: Record<string, string> | null | undefined }) => {
    const s = strategyOfGcObject(meta);
    return s !== undefined && want.has(s);
  };
  const chosenTasks = tasks.filter((t) => ofStrategy(t.metadata)).map((t) => ({ name: t.metadata.name, uid: t.metadata.uid }));
  const podNames = new Set(pods.filter((p) => ofStrategy(p.metadata)).map((p) => p.metadata.name));
  for (const t of chosenTasks) podNames.add(t.name.replace(/-\d+$/, ''));
  const recouped = Object.entries(gcStatus.podsRecouped ?? {})
    .filter(([name, v]) => v === true && ofStrategy({ name }))
    .map(([name]) => name)
    .sort();
  const processed = [...want].filter((s) => gcStatus.strategiesProcessed?.[s] === true).sort();
  return { strategies: [...want].sort(), tasks: chosenTasks.sort((a, b) => a.name.localeCompare(b.name)), pods: [...podNames].sort(), recouped, processed };
}

/** JSON patch operations with `add` and `replace`, which finishing needs and the finalizer removal never does. */
export type FinishingPatchOp =
  | { op: 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'add'; path: string; value: unknown }
  | { op: 'replace'; path: string; value: unknown };

/** RFC 6901: `~` is `~0`, `/` is `~1`. */
export function pointerSegment(s: string): string {
  return s.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * Pure: the one patch of a re-arm. `test` on the uid and resourceVersion (the Workflow was re-read after the
 * tasks went), then on each entry it removes; then the attempt annotation. Returns undefined without a uid or
 * resourceVersion to pin it to.
 */
export function planRearmPatch(workflow: Workflow, plan: RearmPlan, now: Date): FinishingPatchOp[] | undefined {
  const pin = pinTests(workflow.metadata);
  if (!pin) return undefined;
  const ops: FinishingPatchOp[] = [...(pin as FinishingPatchOp[])];
  const changes: FinishingPatchOp[] = [];
  for (const s of plan.processed) {
    const path = `/status/artifactGCStatus/strategiesProcessed/${pointerSegment(s)}`;
    ops.push({ op: 'test', path, value: true });
    changes.push({ op: 'remove', path });
  }
  for (const pod of plan.recouped) {
    const path = `/status/artifactGCStatus/podsRecouped/${pointerSegment(pod)}`;
    ops.push({ op: 'test', path, value: true });
    changes.push({ op: 'remove', path });
  }
  // The attempt counter of src/domain/rearm.ts (what assess reads for gc-rearmed / gc-rearm-failed), in the same patch.
  const previous = readRearm(workflow.metadata.annotations);
  const value = formatRearm({ count: (previous?.count ?? 0) + 1, at: now.toISOString() });
  const annotations = workflow.metadata.annotations;
  const path = `/metadata/annotations/${pointerSegment(REARM_ANNOTATION)}`;
  if (!annotations) {
    changes.push({ op: 'add', path: '/metadata/annotations', value: { [REARM_ANNOTATION]: value } });
  } else if (annotations[REARM_ANNOTATION] !== undefined) {
    ops.push({ op: 'test', path, value: annotations[REARM_ANNOTATION] });
    changes.push({ op: 'replace', path, value });
  } else {
    changes.push({ op: 'add', path, value });
  }
  return [...ops, ...changes];
}

/**
 * Pure: the patch a completion ends with when the nodes are plain (README "Finishing GC" complete, step 4): `deleted: true`
 * on each artifact it deleted and verified, each guarded by a `test` on the artifact's name at that index (and on
 * `deleted` when it is there), so Argo's own `allArtifactsDeleted()` lets the finalizer go and its UI says
 * "deleted". Returns undefined when an artifact cannot be found at a plain index.
 */
export function planDeletedMarks(workflow: Workflow, artifacts: readonly { node: string; name: string }[]): FinishingPatchOp[] | undefined {
  const pin = pinTests(workflow.metadata);
  const nodes = workflow.status?.nodes;
  if (!pin || !nodes || Object.keys(nodes).length === 0 || artifacts.length === 0) return undefined;
  const ops: FinishingPatchOp[] = [...(pin as FinishingPatchOp[])];
  const changes: FinishingPatchOp[] = [];
  for (const a of artifacts) {
    const list = nodes[a.node]?.outputs?.artifacts ?? [];
    const i = list.findIndex((x) => x.name === a.name);
    if (i < 0) return undefined;
    const at = `/status/nodes/${pointerSegment(a.node)}/outputs/artifacts/${i}`;
    ops.push({ op: 'test', path: `${at}/name`, value: a.name });
    const current = list[i]!.deleted;
    if (current !== undefined) ops.push({ op: 'test', path: `${at}/deleted`, value: current });
    changes.push({ op: 'add', path: `${at}/deleted`, value: true });
  }
  return [...ops, ...changes];
}
