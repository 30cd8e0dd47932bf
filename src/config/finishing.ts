import * as z from 'zod';
import { NamespacePattern } from './namespace-pattern.js';
import type { RemediatorConfig } from './schema.js';

/**
 * `finishing:` (README "Finishing GC"): what the remediator may do to finish a stuck artifact GC instead of orphaning
 * it. Every action is `off` unless a cluster or namespace opts in (safety invariant 6); `approval` means "only
 * with a human approval", which Slack approvals deliver (issue 14): until then it acts as `off` and says so.
 */
export const FinishingSetting = z.enum(['off', 'approval', 'auto']);
export type FinishingSetting = z.infer<typeof FinishingSetting>;

export const FINISHING_ACTIONS = ['verify', 'rearm', 'complete'] as const;
export type FinishingAction = (typeof FINISHING_ACTIONS)[number];

const ActionSettings = z.strictObject({
  verify: FinishingSetting.optional(),
  rearm: FinishingSetting.optional(),
  complete: FinishingSetting.optional(),
});
export type ActionSettings = z.infer<typeof ActionSettings>;

/** The placeholders a key prefix may name; each makes a prefix unique to one Workflow. */
export const WORKFLOW_NAME_SEGMENT = '{{workflow.name}}';
export const WORKFLOW_UID_SEGMENT = '{{workflow.uid}}';

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * A key prefix under which objects of one Workflow live, such as `artifacts/{{workflow.name}}/` (Argo's default
 * key is `{{workflow.name}}/{{pod.name}}`). It must hold `{{workflow.name}}` or `{{workflow.uid}}` as a whole path
 * segment and end in `/`: a prefix shared by Workflows (`artifacts/`) or one that stops inside a segment
 * (`{{workflow.name}}` also matches `wf-10/` for `wf-1`) could let one Workflow's completion delete another's
 * objects (argo docs, walk-through/artifacts.md L201-203: keys collide unless parameterized by the uid).
 */
export const KeyPrefixPattern = z
  .string()
  .min(1)
  .max(1024)
  .superRefine((prefix, ctx) => {
    const segments = prefix.split('/');
    const unique = segments.some((s) => s === WORKFLOW_NAME_SEGMENT || s === WORKFLOW_UID_SEGMENT);
    if (!unique) {
      ctx.addIssue({
        code: 'custom',
        message: `must hold ${WORKFLOW_NAME_SEGMENT} or ${WORKFLOW_UID_SEGMENT} as a whole path segment, so that it is unique to one Workflow`,
      });
      return;
    }
    if (!prefix.endsWith('/')) ctx.addIssue({ code: 'custom', message: "must end in '/' so that it stops at a segment boundary" });
    if (prefix.startsWith('/')) ctx.addIssue({ code: 'custom', message: "must not start with '/' (S3 keys have no leading slash)" });
    if (segments.some((s) => s === '.' || s === '..')) ctx.addIssue({ code: 'custom', message: "must not hold '.' or '..' segments" });
    const stray = prefix.replaceAll(WORKFLOW_NAME_SEGMENT, '').replaceAll(WORKFLOW_UID_SEGMENT, '');
    if (stray.includes('{{') || stray.includes('}}') || stray.includes('*')) {
      ctx.addIssue({ code: 'custom', message: `may only use the placeholders ${WORKFLOW_NAME_SEGMENT} and ${WORKFLOW_UID_SEGMENT}, and no wildcard` });
    }
  });

export const AllowedBucket = z.strictObject({
  bucket: z.string().regex(BUCKET_NAME, 'must be an S3 bucket name'),
  /** Where the bucket lives; requests go there directly (a wrong region reads as "unknown", never "absent"). */
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1').optional(),
  keyPrefixes: z.array(KeyPrefixPattern).min(1, 'at least one key prefix is required'),
  /** The account that owns the bucket, when it is not the remediator's (cross-account: see README). */
  accountId: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id').optional(),
});
export type AllowedBucket = z.infer<typeof AllowedBucket>;

const ObjectCap = z.number().int().min(0).max(100_000);
const ByteCap = z.number().int().min(0).max(10 * 1024 ** 4);

export const FinishingCaps = z
  .strictObject({
    objectsPerInvocation: ObjectCap.default(1000),
    bytesPerInvocation: ByteCap.default(10 * 1024 ** 3),
    objectsPerDay: ObjectCap.default(10_000),
    bytesPerDay: ByteCap.default(100 * 1024 ** 3),
    rearmsPerInvocation: z.number().int().min(0).max(100).default(5),
  })
  .prefault({});
export type FinishingCaps = z.infer<typeof FinishingCaps>;

export const RearmSettings = z
  .strictObject({
    maxAttempts: z.number().int().min(1).max(10).default(2),
    /** How long to poll for the GC pods to go once their tasks are deleted, and how often. */
    podGoneTimeoutSeconds: z.number().int().min(1).max(600).default(60),
    podGonePollSeconds: z.number().min(0.05).max(30).default(2),
  })
  .prefault({});
export type RearmSettings = z.infer<typeof RearmSettings>;

/** Per cluster: action settings, and namespace overrides (most specific pattern wins, as for modes). */
const ClusterFinishing = ActionSettings.extend({
  namespaces: z
    .record(z.string(), ActionSettings)
    .superRefine((byNamespace, ctx) => {
      for (const key of Object.keys(byNamespace)) {
        const checked = NamespacePattern.safeParse(key);
        if (!checked.success) ctx.addIssue({ code: 'custom', path: [key], message: `key ${checked.error.issues[0]?.message}` });
      }
    })
    .optional(),
  caps: FinishingCaps.optional(),
});

export const FinishingConfig = z
  .strictObject({
    /** Applies to every cluster that does not say otherwise. Each action defaults to `off`. */
    defaults: ActionSettings.prefault({}),
    clusters: z.record(z.string().min(1).max(100), ClusterFinishing).default({}),
    buckets: z.array(AllowedBucket).default([]),
    caps: FinishingCaps,
    rearm: RearmSettings,
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.buckets.forEach((b, i) => {
      if (seen.has(b.bucket)) ctx.addIssue({ code: 'custom', path: ['buckets', i, 'bucket'], message: 'bucket listed twice' });
      seen.add(b.bucket);
    });
  })
  .prefault({});
export type FinishingConfig = z.output<typeof FinishingConfig>;

/** Whether the configuration lets any finishing action run anywhere (auto, or with an approval). */
export function finishingConfigured(config: RemediatorConfig): boolean {
  const f = config.finishing;
  const sets = [f.defaults, ...Object.values(f.clusters), ...Object.values(f.clusters).flatMap((c) => Object.values(c.namespaces ?? {}))];
  return sets.some((s) => FINISHING_ACTIONS.some((a) => s[a] !== undefined && s[a] !== 'off'));
}
