import * as z from 'zod';
import { Labels } from './labels.js';
import { classifyObject } from './object-kind.js';
import { quote } from './rejected.js';
import type { Outcome } from './result.js';
import type { SignalSource } from './signal.js';
import { blank, type SignalContext, toSignal } from './workflow-ref.js';
import { parseOrReject } from './zod-reason.js';

/** Strings that may also arrive as null (a templated non-string literal) or be absent (Go omitempty). */
const Text = z.string().nullish();

/**
 * kubernetes-event-exporter's `EnhancedEvent`: a core/v1 Event plus
 * `clusterName` and an enriched `involvedObject`. Both forks: resmoio adds `clusterName`, `ownerReferences`
 * and `deleted`; the opsgenie original has none of them. Only what a signal needs is validated; every
 * other field (message, count, timestamps...) is kept but never trusted, since a nested templated layout
 * may render any of them as a string.
 */
export const EnhancedEvent = z.looseObject({
  metadata: z.looseObject({ namespace: Text, name: Text }).nullish(),
  reason: Text,
  clusterName: Text,
  involvedObject: z.looseObject({
    kind: Text,
    apiVersion: Text,
    namespace: Text,
    name: Text,
    uid: Text,
    resourceVersion: Text,
    labels: Labels,
  }),
});
export type EnhancedEvent = z.infer<typeof EnhancedEvent>;

export function fromEnhancedEvent(input: unknown, source: SignalSource, ctx: SignalContext, subject = 'involvedObject'): Outcome {
  const event = parseOrReject(EnhancedEvent, input, subject === 'involvedObject' ? 'EnhancedEvent' : subject);
  const object = event.involvedObject;
  const kind = blank(object.kind);
  if (kind === undefined && blank(object.name) === undefined && blank(object.uid) === undefined) {
    // The opsgenie exporter copies the reference only when its label lookup succeeds. The event's own
    // name (`<object>.<hex>`) would give a name but not the kind, so it cannot be tied to a Workflow.
    return {
      ignored: `involvedObject is empty (event ${quote(blank(event.metadata?.name) ?? '')}): the exporter could not look the object up, so its kind is unknown`,
    };
  }
  const verdict = classifyObject(subject, { apiVersion: blank(object.apiVersion), kind, labels: object.labels });
  if ('ignored' in verdict) return { ignored: verdict.ignored };
  const signal = toSignal(
    subject,
    {
      cluster: blank(event.clusterName),
      // The recorder creates an event in its object's namespace, so the event's namespace stands in for
      // a reference that lost its own (a layout that leaves it out).
      namespace: blank(object.namespace) ?? blank(event.metadata?.namespace),
      name: blank(object.name),
      uid: blank(object.uid),
      resourceVersion: blank(object.resourceVersion),
      reason: blank(event.reason),
    },
    source,
    ctx,
  );
  return { signal };
}
