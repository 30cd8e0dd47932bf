import { ApiException } from '@kubernetes/client-node';

/** Small Workflow/Pod/GC task objects in the shapes Argo's controller writes. */

export const ARTIFACT_GC_FINALIZER = 'workflows.argoproj.io/artifact-gc';
export const WF = { group: 'argoproj.io', version: 'v1alpha1', plural: 'workflows' } as const;
export const WFAT = { group: 'argoproj.io', version: 'v1alpha1', plural: 'workflowartifactgctasks' } as const;

export function workflow(
  namespace: string,
  name: string,
  opts: { labels?: Record<string, string>; finalizers?: string[]; phase?: string; uid?: string } = {},
): Record<string, unknown> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      name,
      namespace,
      ...(opts.uid ? { uid: opts.uid } : {}),
      labels: { 'workflows.argoproj.io/completed': 'true', 'workflows.argoproj.io/phase': opts.phase ?? 'Succeeded', ...opts.labels },
      finalizers: opts.finalizers ?? [ARTIFACT_GC_FINALIZER],
    },
    spec: { entrypoint: 'main', artifactGC: { strategy: 'OnWorkflowDeletion' }, templates: [{ name: 'main', container: { image: 'alpine:3.20' } }] },
    status: { phase: opts.phase ?? 'Succeeded', startedAt: '2026-08-17T02:00:00Z', finishedAt: '2026-08-17T02:07:31Z' },
  };
}

export function gcPod(namespace: string, workflowName: string, phase: string, owner?: { name: string; uid: string }): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${workflowName}-artgc-wfdel-1104873411`,
      namespace,
      labels: { 'workflows.argoproj.io/workflow': workflowName, 'workflows.argoproj.io/component': 'artifact-gc' },
      annotations: { 'workflows.argoproj.io/artifact-gc-strategy': 'OnWorkflowDeletion' },
      ...(owner
        ? { ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', name: owner.name, uid: owner.uid, controller: true, blockOwnerDeletion: true }] }
        : {}),
    },
    spec: { restartPolicy: 'Never', containers: [{ name: 'main', args: ['artifact', 'delete', '--loglevel', 'info'] }] },
    status: { phase },
  };
}

export function gcTask(namespace: string, workflowName: string, owner: { name: string; uid: string }): Record<string, unknown> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'WorkflowArtifactGCTask',
    metadata: {
      name: `${workflowName}-artgc-wfdel-1104873411-0`,
      namespace,
      labels: { 'workflows.argoproj.io/artifact-gc-pod': '291688674' },
      ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', name: owner.name, uid: owner.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: { artifactsByNode: {} },
    status: {},
  };
}

/** Runs `call`, expecting an ApiException; returns its code and parsed Status body. */
export async function apiError(call: () => Promise<unknown>): Promise<{ code: number; body: Record<string, unknown>; headers: Record<string, string> }> {
  try {
    await call();
  } catch (e) {
    if (e instanceof ApiException) {
      const raw: unknown = e.body;
      const body = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Record<string, unknown>;
      return { code: e.code, body, headers: e.headers as Record<string, string> };
    }
    throw e;
  }
  throw new Error('expected the call to fail');
}
