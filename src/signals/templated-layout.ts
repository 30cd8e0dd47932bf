import * as z from 'zod';
import { Labels } from './labels.js';
import { classifyObject } from './object-kind.js';
import { isRecord } from '../domain/json.js';
import type { Outcome } from './result.js';
import type { SignalSource } from './signal.js';
import { blank, type SignalContext, toSignal } from './workflow-ref.js';
import { parseOrReject } from './zod-reason.js';

/**
 * The layout to configure on the exporter's `sqs` (`layout`) or `eventbridge` (`details`) receiver when a
 * template is wanted at all: every field a signal needs, flat. Templates render every value as a string
 * (the layouts kubernetes-event-exporter's README shows), which is all this needs. `apiVersion` is required to tell an
 * argoproj.io Workflow from another group's; the README's example layout lacks it.
 */
export const DEFAULT_EXPORTER_LAYOUT = {
  kind: '{{ .InvolvedObject.Kind }}',
  apiVersion: '{{ .InvolvedObject.APIVersion }}',
  namespace: '{{ .InvolvedObject.Namespace }}',
  name: '{{ .InvolvedObject.Name }}',
  uid: '{{ .InvolvedObject.UID }}',
  resourceVersion: '{{ .InvolvedObject.ResourceVersion }}',
  reason: '{{ .Reason }}',
  clusterName: '{{ .ClusterName }}',
} as const;

const Text = z.string().nullish();

/**
 * A flat templated layout: the involved object's fields at the top level, as strings. Also reads the
 * README example's field names (`namespace` from the event, `labels` from `toJson`); `count` and the
 * other informational fields are not needed, so they are not coerced.
 */
export const TemplatedLayout = z.looseObject({
  kind: z.string(),
  apiVersion: Text,
  namespace: Text,
  name: Text,
  uid: Text,
  resourceVersion: Text,
  reason: Text,
  clusterName: Text,
  labels: Labels,
});
export type TemplatedLayout = z.infer<typeof TemplatedLayout>;

export function fromTemplatedLayout(input: unknown, source: SignalSource, ctx: SignalContext, subject = 'templated layout'): Outcome {
  const layout = parseOrReject(TemplatedLayout, input, subject);
  const verdict = classifyObject(`${subject} object`, {
    apiVersion: blank(layout.apiVersion),
    kind: blank(layout.kind),
    labels: layout.labels,
  });
  if ('ignored' in verdict) return { ignored: verdict.ignored };
  const signal = toSignal(
    `${subject} object`,
    {
      cluster: blank(layout.clusterName),
      namespace: blank(layout.namespace),
      name: blank(layout.name),
      uid: blank(layout.uid),
      resourceVersion: blank(layout.resourceVersion),
      reason: blank(layout.reason),
    },
    source,
    ctx,
  );
  return { signal };
}

/**
 * The exporter README's own example layout (kubernetes-event-exporter README.md 400-417): the event's fields
 * nested under `details` (kind, name, `namespace` from `.Namespace`, `labels` from `toJson`), next to
 * `region`, `eventType` and `createdAt`; no apiVersion, uid or clusterName. Fields under `details` win over
 * the outer ones, which may carry what the user added (a `clusterName`).
 */
export function isNestedLayout(input: Record<string, unknown>): boolean {
  const details = input['details'];
  return isRecord(details) && typeof details['kind'] === 'string' && Object.hasOwn(details, 'name');
}

export function fromNestedLayout(input: Record<string, unknown>, source: SignalSource, ctx: SignalContext): Outcome {
  const { details, ...outer } = input;
  return fromTemplatedLayout({ ...outer, ...(details as Record<string, unknown>) }, source, ctx, 'templated layout details');
}
