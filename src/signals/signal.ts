import * as z from 'zod';

/** Where a signal came from. Signals are hints: evaluate always re-reads the live Workflow. */
export const SignalSource = z.enum([
  'event-exporter',
  'eventbridge',
  'argo-events',
  'sweep',
  'cli',
  'requeue',
]);
export type SignalSource = z.infer<typeof SignalSource>;

/** DNS-1123 subdomain (names) and label (namespaces), checked before either is put in a URL. */
export const DNS1123_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const DNS1123_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const WorkflowSignal = z.object({
  cluster: z.string().min(1).max(100),
  namespace: z.string().regex(DNS1123_LABEL, 'namespace must be a DNS-1123 label'),
  name: z.string().regex(DNS1123_SUBDOMAIN, 'name must be a DNS-1123 subdomain'),
  uid: z.string().min(1).max(64).optional(),
  resourceVersion: z.string().min(1).max(64).optional(),
  source: SignalSource,
  /** Kubernetes event reason when the signal came from an event (ArtifactGCFailed, WorkflowSucceeded...). */
  reason: z.string().max(256).optional(),
  /** How many times a `wait` verdict already re-enqueued this reference. */
  attempt: z.number().int().min(0).max(1000).optional(),
});
export type WorkflowSignal = z.infer<typeof WorkflowSignal>;
