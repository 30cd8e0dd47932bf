import type { ProcessedReading } from './argo-version.js';
import { ARTIFACT_GC_FINALIZER, type Assessment, type Cause } from './assessment.js';
import { planFinalizerRemoval } from './patch.js';

/**
 * Plain words for each cause: what a human reads in Slack before acting. Facts from
 * Argo's controller source and issues, with the upstream issue numbers so the reader
 * can check them.
 */
export interface CauseExplanation {
  /** One line, no trailing period. */
  title: string;
  /** Why Argo ends up in this state. */
  why: string;
  /** What to do about it, in order. */
  nextStep: string;
}

/**
 * Where argo #16897 changes what `strategiesProcessed` means, the part of the text that depends on it, for each
 * reading; with no `argoVersion` in the config both are given, each named.
 */
interface Readings {
  attempted: { why?: string; nextStep?: string };
  created: { why?: string; nextStep?: string };
}

interface Entry extends CauseExplanation {
  readings?: Readings;
}

const STRICT_TEMPLATE_REFERENCING =
  'Under `templateReferencing: Strict` or `Secure` (argo v3.7.18, v4.0.10, v4.1.0 and later) a user-submitted ' +
  "Workflow's `spec.artifactGC.serviceAccountName`, `podMetadata` and `podSpecPatch` are stripped, so the GC pod " +
  "runs as the namespace's default ServiceAccount (AccessDenied, forbidden): set them in the WorkflowTemplate " +
  'instead. The instance-ID `podMetadata` workaround no longer works for user-submitted Workflows there.';

const RERUN_GC =
  'Re-run GC once the cause is fixed (derived from the controller code, try it in staging first): delete the ' +
  "strategy's WorkflowArtifactGCTask (its GC pod goes with it), then remove that strategy from " +
  '`status.artifactGCStatus.strategiesProcessed` and the pod from `podsRecouped` with a merge patch; the ' +
  'controller recreates both on its next reconcile. Deleting an artifact that is already gone counts as success.';

const EXPLANATIONS: Record<Cause, Entry> = {
  'no-finalizer': {
    title: 'No artifact-GC finalizer on this Workflow',
    why: `The Workflow does not carry \`${ARTIFACT_GC_FINALIZER}\`, so there is nothing to remove.`,
    nextStep: 'Nothing to do.',
  },
  'opted-out': {
    title: 'Workflow opted out of remediation',
    why: 'It carries the annotation `argo-finalizer-remediator/skip: "true"`, so the remediator never touches it.',
    nextStep: 'Handle it by hand, or remove the annotation to let the remediator assess it.',
  },
  'workflow-not-finished': {
    title: 'Workflow is still running',
    why:
      'Argo runs artifact GC only once the phase is Succeeded, Failed or Error, and re-adds the finalizer on every ' +
      'reconcile until then. A Workflow that is deleted while running keeps running.',
    nextStep:
      'Wait. If the deletion is urgent, `argo stop` or `argo terminate` the Workflow first; never remove the ' +
      'finalizer from a running Workflow.',
  },
  'nodes-unavailable': {
    title: 'Node status cannot be read, so nobody can tell which artifacts remain',
    why:
      'The node status is offloaded to the persistence database (`status.offloadNodeStatusVersion`) or ' +
      '`status.compressedNodes` cannot be decoded. Without it there is no proof the artifacts are gone. Offloaded ' +
      'Workflows can stay stuck even with `forceFinalizerRemoval` (argo-workflows #16599).',
    nextStep:
      'Hydrate the node status through argo-server (`argo get -n NS NAME -o json`, or the UI), list the output ' +
      'artifacts that are not `deleted: true` and check whether they are still in the bucket. Delete them or accept ' +
      'orphaning them, then remove only the artifact-GC finalizer with the narrow patch below.',
  },
  'awaiting-deletion': {
    title: 'Waiting for the Workflow to be deleted (OnWorkflowDeletion artifacts)',
    why:
      'Every pending artifact is collected OnWorkflowDeletion and the Workflow is not being deleted: the finalizer ' +
      "is doing its job. Removing it now makes the later deletion skip GC, because the Workflow leaves the controller's cache.",
    nextStep: 'Nothing to do. Delete the Workflow when you want its artifacts collected.',
  },
  'gc-running': {
    title: 'Artifact GC is running',
    why: 'A GC pod is Pending or Running inside the quiet period. A healthy GC pod finishes in seconds to minutes.',
    nextStep: 'Wait. The remediator looks again when the quiet period ends; a pod still running then is reported as stuck.',
  },
  'gc-awaiting-recoup': {
    title: 'GC pod finished; the controller has not recorded it yet',
    why:
      'The controller records ("recoups") a finished GC pod on its next reconcile: 5 s after an update, otherwise ' +
      'at the 20-minute informer resync.',
    nextStep: 'Wait. A pod still not recouped after the quiet period usually means an instance-ID label mismatch.',
  },
  'gc-rearmed': {
    title: 'Artifact GC was re-armed and is getting a new run',
    why:
      "The remediator deleted the strategy's WorkflowArtifactGCTask (its GC pod went with it) and cleared the strategy " +
      'from `strategiesProcessed` and the pod from `podsRecouped`, recording it in the annotation ' +
      '`argo-finalizer-remediator/rearm`. The controller recreates task and pod on its next reconcile, for the ' +
      'artifacts still pending, and removes the finalizer itself once they are deleted.',
    nextStep:
      'Wait. If GC has not finished when the quiet period ends, the next notify says which attempt failed; once ' +
      '`finishing.rearm.maxAttempts` re-arms failed it becomes `gc-rearm-failed`.',
  },
  'gc-not-started': {
    title: 'Artifact GC has not started yet',
    why: 'A due GC strategy is not in `strategiesProcessed` yet; the controller starts it on its next reconcile.',
    nextStep: 'Wait. If it has not started when the quiet period ends, the controller is reported as not reconciling.',
    readings: {
      attempted: {},
      created: { why: 'With argo #16897 it also stays out of `strategiesProcessed` while creating its task or pod fails and is retried.' },
    },
  },
  'quiet-period': {
    title: 'Inside the quiet period',
    why: 'The Workflow finished, was deleted or had GC activity recently; the controller gets its chance first.',
    nextStep: 'Wait. The remediator decides when the quiet period ends.',
  },
  'no-pending-artifacts': {
    title: 'Finalizer stuck although no artifact needs deleting',
    why:
      "No output artifact is waiting for GC, which is Argo's own removal rule, yet the finalizer stayed. Known " +
      'causes: the v3.4.0 to v3.5.10 rule that also required a GC pod to succeed (argo-workflows #13499, nested ' +
      'parents #13556; fixed in v3.5.11 and v3.6.0 by PR #13500), `forceFinalizerRemoval` with no GC pod to recoup ' +
      '(#16599, #16894), or a controller that is not reconciling this Workflow.',
    nextStep:
      'Safe to remove; the remediator does it where remediation is enabled. Upgrade the controller to v3.5.11 or ' +
      'later; if it is already newer, check that it reconciles this Workflow (controller running, instance ID label).',
  },
  'gc-pod-stuck': {
    title: 'Artifact GC pod never finishes',
    why:
      'A GC pod has been Pending or Running past the quiet period. The controller removes the finalizer only after ' +
      'the pod finishes and is recouped, so it waits forever (argo-workflows #13576).',
    nextStep:
      '`kubectl describe` the GC pod. Image pull errors (ImagePullBackOff on the argoexec image): check the registry ' +
      'and pull secrets. Unschedulable: node selectors, taints, or quota/LimitRange in the namespace. Running forever ' +
      'with an injected sidecar such as `istio-proxy`: disable injection for GC pods with ' +
      '`spec.artifactGC.podMetadata.annotations: {sidecar.istio.io/inject: "false"}`. Then delete the stuck pod so ' +
      'GC can finish or be re-run. ' +
      RERUN_GC,
  },
  'gc-succeeded-unrecouped': {
    title: 'GC deleted the artifacts, but the controller never saw its pod',
    why:
      'The GC task reports `success: true` for every pending artifact, yet the pod was never recouped. Usual cause: ' +
      'the controller has an instance ID, and GC pods carry it under the label `ARGO_INSTANCE_ID` instead of ' +
      '`workflows.argoproj.io/controller-instanceid`, so the controller cannot see its own GC pods (#10840).',
    nextStep:
      'Removing the finalizer is safe: the artifacts are deleted. Fix the cause so it does not recur: add the label ' +
      '`workflows.argoproj.io/controller-instanceid: <your instance id>` to GC pods through ' +
      '`spec.artifactGC.podMetadata.labels` (or the controller `workflowDefaults`).',
  },
  'force-removal-declared': {
    title: 'Workflow declares forceFinalizerRemoval, and GC did not finish',
    why:
      'The Workflow sets `spec.artifactGC.forceFinalizerRemoval: true`: its owner accepts removal even when GC fails. ' +
      "Argo's own force rule never fires when no GC pod was recouped (`podsRecouped` empty: #16599, #16894), so the " +
      'finalizer stayed.',
    nextStep:
      'Removal follows the owner\'s declared policy. The artifacts listed are orphaned: nothing in Argo will delete ' +
      'them now. Delete them from the bucket by hand or accept the storage cost, then find out why GC did not run ' +
      '(see the GC pod and task evidence).',
  },
  'artifacts-verified-absent': {
    title: 'The pending artifacts are verified gone from their buckets',
    why:
      'The remediator looked for every pending artifact at the location Argo resolves for it (`HeadObject` 404, and an ' +
      'empty listing for a key ending in `/`) and found nothing; artifacts that were never uploaded (no key and no ' +
      'location, argo #13161) need no look. GC did not finish, but there is nothing left for it to delete.',
    nextStep:
      'Removal orphans nothing; the remediator does it where remediation is enabled. Still find out from the evidence ' +
      'why GC did not finish, so the next Workflow does not need this.',
  },
  'gc-unsupported-driver': {
    title: "GC can never delete these artifacts: their storage driver has no delete",
    why:
      "Argo's hdfs, http, artifactory, git and raw drivers answer every delete with \"delete not supported for this " +
      'artifact storage" (argo-workflows #3102; `workflow/artifacts/common/common.go`), so the task records ' +
      '`success: false` and the finalizer stays for good unless `forceFinalizerRemoval` is set. Re-running GC cannot help.',
    nextStep:
      'For future Workflows set `artifactGC.strategy: Never` on those artifacts (or move them to s3, gcs, azure or ' +
      'oss). For this one, delete what matters from that storage by hand, then remove only the artifact-GC finalizer ' +
      'with the narrow patch below (Remove finalizer in Slack, with an approval): the orphan list is exactly the ' +
      'artifacts listed.',
  },
  'gc-failed': {
    title: 'Artifact GC failed',
    why:
      'A GC pod failed, the Workflow has an `ArtifactGCError` condition, or a GC task reports `success: false`. ' +
      'Argo keeps the finalizer on purpose so the evidence survives (#10788); the artifacts are probably still in the bucket.',
    nextStep:
      '1) Read the GC pod logs and the task errors. 2) Check the GC pod\'s ServiceAccount ' +
      '(`spec.artifactGC.serviceAccountName`, else the namespace default) can list and watch ' +
      '`workflowartifactgctasks` and patch `workflowartifactgctasks/status` (#9953, #10036). 3) Check the bucket ' +
      'credentials and the role behind them (IRSA or secret) can `s3:DeleteObject` the artifact keys: "Access Denied" ' +
      'comes from there. ' +
      STRICT_TEMPLATE_REFERENCING +
      ' 4) ' +
      RERUN_GC +
      ' Remove the finalizer by hand only if you accept orphaning the artifacts, with the narrow patch below.',
  },
  'gc-pod-missing': {
    title: 'A GC task exists, but its GC pod was never created',
    why:
      'The controller creates the WorkflowArtifactGCTask first, then the GC pod, and the pod create was refused: an ' +
      'admission webhook or policy (Kyverno, Gatekeeper), a ResourceQuota or LimitRange, Pod Security admission, or a ' +
      'missing ServiceAccount (argo-workflows #14355). Nothing was deleted.',
    nextStep:
      'Find the refusal: the controller log (`failed to create`), `kubectl get events` in the namespace, and the ' +
      'policies matching pods labelled `workflows.argoproj.io/component=artifact-gc`. Fix the policy, quota or ServiceAccount.',
    readings: {
      attempted: {
        why: 'Before argo #16897 the strategy was marked processed all the same and the create is never retried.',
        nextStep:
          'Then re-arm GC (Retry GC): deleting the orphan task is required, or the controller reuses it with its old status. ' +
          RERUN_GC,
      },
      created: {
        why: 'With argo #16897 the strategy stays unprocessed and the controller retries the create on every reconcile.',
        nextStep: 'Then wait: the controller retries by itself and reuses the existing task; no re-arm is needed.',
      },
    },
  },
  'gc-never-ran': {
    title: 'Artifact GC was marked done but never ran',
    why:
      'The strategy is in `strategiesProcessed`, yet no GC pod or task exists and no pod of it was ever recouped (a ' +
      'GC pod that succeeded is deleted with its task, but stays in `podsRecouped`). The artifacts are still there.',
    nextStep: 'Re-arm GC (Retry GC) once the cause is fixed. ' + RERUN_GC,
    readings: {
      attempted: {
        why:
          'Before argo #16897 this is a failed create: an admission webhook or policy denied the pod (#14355), a missing ' +
          'ServiceAccount, a template resolution error (#10192), and Argo marked the strategy processed anyway and never ' +
          'retries (#16894).',
        nextStep:
          'the cause is in the controller logs (`failed to GC artifacts`) or in policies denying pods labelled ' +
          '`workflows.argoproj.io/component=artifact-gc`; a release with argo-workflows PR #16897 retries such creates.',
      },
      created: {
        why:
          'With argo #16897 a strategy is marked processed only once its task and pod were created, so they were ' +
          'removed before being recouped (by hand, or a cleanup tool), or the controller judged empty nodes ' +
          '(offloaded node status, argo #16599).',
        nextStep: 'find out what deleted the GC task or pod (audit logs, cleanup tools), and whether the node status is offloaded.',
      },
    },
  },
  'controller-not-reconciling': {
    title: 'The Argo controller is not acting on this Workflow',
    why:
      'A due GC strategy with pending artifacts has not started past the quiet period. The controller would start ' +
      'it on its next reconcile, so it is not reconciling this Workflow.',
    nextStep:
      'Check that the workflow-controller is running and holds the leader lease; that the Workflow\'s ' +
      '`workflows.argoproj.io/controller-instanceid` label matches a controller\'s instance ID; that ' +
      '`ARGO_ARTIFACT_GC_ENABLED` is not `false`; the controller logs for `failed to GC artifacts` or artifact ' +
      'repository errors; and the controller\'s RBAC on `workflowartifactgctasks` (#10405). This is usually ' +
      'systemic: look at other Workflows before removing anything.',
    readings: {
      attempted: {},
      created: {
        why:
          'With argo #16897 the controller may well be reconciling: a strategy stays unprocessed while creating its ' +
          'task or pod keeps failing and is retried (an admission webhook, quota, Pod Security, a missing ServiceAccount).',
        nextStep: 'Look first for a failing create: the controller log (`failed to create`) and the Events of the namespace.',
      },
    },
  },
  'gc-rearm-failed': {
    title: 'GC still failed after every re-arm the policy allows',
    why:
      'The remediator re-armed GC `finishing.rearm.maxAttempts` times (annotation `argo-finalizer-remediator/rearm`) ' +
      "and GC still did not finish. The table's own cause for this state is in the reasons and in `evidence.rowCause`.",
    nextStep:
      'Stop retrying and read the evidence of the last attempt (GC pod logs, task errors, Events). Fix the cause, then ' +
      'either remove the annotation `argo-finalizer-remediator/rearm` to allow new re-arms, let the remediator delete ' +
      'and verify the artifacts where the bucket is allow-listed (Complete from AWS), or remove only the finalizer ' +
      'with an approval, accepting the orphan list.',
  },
};

/**
 * The explanation for a cause, worded for how the cluster's controller writes `strategiesProcessed`
 * (`evidence.processedReading`, from the config's `argoVersion`); unknown gives both readings, each named.
 */
export function explainCause(cause: Cause, reading: ProcessedReading = 'unknown'): CauseExplanation {
  const { readings, ...base } = EXPLANATIONS[cause];
  if (!readings) return base;
  const join = (...parts: (string | undefined)[]) => parts.filter((p): p is string => !!p).join(' ');
  if (reading !== 'unknown') {
    const r = readings[reading];
    return { title: base.title, why: join(base.why, r.why), nextStep: join(base.nextStep, r.nextStep) };
  }
  const both = (k: 'why' | 'nextStep') => {
    const a = readings.attempted[k];
    const c = readings.created[k];
    return join(base[k], a ? `Before argo #16897: ${a}` : undefined, c ? `With argo #16897: ${c}` : undefined);
  };
  return { title: base.title, why: both('why'), nextStep: both('nextStep') };
}

const SHELL_SAFE = /^[A-Za-z0-9._\-/=:]+$/;
function shellQuote(s: string): string {
  return SHELL_SAFE.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The narrow `kubectl patch` a human can run: tests the uid, the resourceVersion and the finalizer's index,
 * removes only that entry (Argo's removal rule in workflow/controller/artifact_gc.go). Computed from the evidence, so it
 * exists for notify verdicts too. Undefined when the finalizer is not there or the uid or resourceVersion is
 * unknown. Pinned to the resourceVersion the human was shown: if the Workflow changed since, kubectl says the
 * test failed and the human looks again instead of acting on a state nobody judged.
 */
export function narrowPatchCommand(a: Pick<Assessment, 'workflow' | 'evidence' | 'resourceVersion'>): string | undefined {
  const ops = planFinalizerRemoval({ uid: a.workflow.uid, resourceVersion: a.resourceVersion, finalizers: a.evidence.finalizers });
  if (!ops) return undefined;
  const { namespace, name } = a.workflow;
  return `kubectl -n ${shellQuote(namespace)} patch workflow ${shellQuote(name)} --type=json -p ${shellQuote(JSON.stringify(ops))}`;
}

/** Commands that show a human the evidence behind a cause, for the pods and tasks the assessment saw. */
export function inspectCommands(a: Pick<Assessment, 'workflow' | 'evidence' | 'cause'>, max = 3): string[] {
  const ns = shellQuote(a.workflow.namespace);
  const pods = a.evidence.pods;
  switch (a.cause) {
    case 'gc-failed':
    case 'gc-rearm-failed':
    case 'gc-unsupported-driver':
    case 'force-removal-declared': {
      // A pod that Succeeded can still hold the per-artifact errors (Access Denied) in its log.
      const failed = pods.filter((p) => p.phase === 'Failed');
      return [
        ...(failed.length > 0 ? failed : pods).slice(0, max).map((p) => `kubectl -n ${ns} logs ${shellQuote(p.name)} --all-containers`),
        ...a.evidence.tasks.slice(0, max).map((t) => `kubectl -n ${ns} get workflowartifactgctask ${shellQuote(t.name)} -o yaml`),
      ];
    }
    case 'gc-pod-stuck':
      return pods
        .filter((p) => p.phase === 'Pending' || p.phase === 'Running')
        .slice(0, max)
        .map((p) => `kubectl -n ${ns} describe pod ${shellQuote(p.name)}`);
    case 'nodes-unavailable':
      return [`argo -n ${ns} get ${shellQuote(a.workflow.name)} -o json`];
    case 'gc-pod-missing':
      return [
        ...a.evidence.tasks.slice(0, max).map((t) => `kubectl -n ${ns} get workflowartifactgctask ${shellQuote(t.name)} -o yaml`),
        `kubectl -n ${ns} get events --field-selector involvedObject.name=${shellQuote(a.workflow.name)} --sort-by=.lastTimestamp`,
      ];
    default:
      return [];
  }
}
