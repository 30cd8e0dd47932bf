import * as z from 'zod';
import { Mode } from '../domain/decision.js';
import { parseDuration } from '../domain/duration.js';
import { ClusterAuth } from '../kube/auth/config.js';
import { NamespacePattern } from './namespace-pattern.js';

/**
 * The remediator's configuration. Every object is strict: an unknown key is a typo until proven otherwise,
 * and a typo in a safety setting (`mdoe: remediate`) must fail loudly rather than fall back to a default.
 *
 * Error messages never carry input values (zod reports paths and expectations only; the custom messages
 * below follow suit), so a malformed token or webhook URL cannot leak through a validation error.
 */

const MAX_QUIET_PERIOD_MS = 7 * 24 * 3_600_000;

export const DurationText = z.string().superRefine((text, ctx) => {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return;
  }
  if (ms <= 0) ctx.addIssue({ code: 'custom', message: 'must be longer than zero' });
  else if (ms > MAX_QUIET_PERIOD_MS) ctx.addIssue({ code: 'custom', message: 'must be at most 7d' });
});

const Cap = z.number().int().min(0).max(1000);

export const Defaults = z
  .strictObject({
    mode: Mode.default('dry-run'),
    quietPeriod: DurationText.default('30m'),
    maxRemovalsPerInvocation: Cap.default(10),
    maxRemovalsPerSweep: Cap.default(25),
  })
  .prefault({});
export type Defaults = z.infer<typeof Defaults>;

export const NamespaceSelection = z
  .strictObject({
    include: z.array(NamespacePattern).optional(),
    exclude: z.array(NamespacePattern).optional(),
  })
  .prefault({});

/** Keys checked by hand: zod reports a bad record key as a bare "Invalid key in record". */
const NamespaceModes = z.record(z.string(), Mode).superRefine((modes, ctx) => {
  for (const key of Object.keys(modes)) {
    const checked = NamespacePattern.safeParse(key);
    if (!checked.success) ctx.addIssue({ code: 'custom', path: [key], message: `key ${checked.error.issues[0]?.message}` });
  }
});

const ClusterInput = z.strictObject({
  name: z.string().min(1).max(100),
  auth: ClusterAuth,
  mode: Mode.optional(),
  namespaces: NamespaceSelection,
  namespaceModes: NamespaceModes.optional(),
  quietPeriod: DurationText.optional(),
  maxRemovalsPerInvocation: Cap.optional(),
  maxRemovalsPerSweep: Cap.optional(),
  argoUiUrl: z.url({ protocol: /^https?$/ }).optional(),
});

const SsmParameterName = z
  .string()
  .min(1)
  .max(2048)
  .regex(/^[a-zA-Z0-9_.\-/]+$/, 'must be an SSM parameter name such as /argo-finalizer-remediator/prod/slack-webhook');

export const SlackWebhookRef = z.union(
  [
    z.strictObject({ ssmParameter: SsmParameterName }),
    z.strictObject({ secretId: z.string().min(1).max(2048) }),
    z.strictObject({ url: z.url({ protocol: /^https?$/ }) }),
  ],
  { error: 'must be exactly one of {ssmParameter}, {secretId} or {url}' },
);
export type SlackWebhookRef = z.infer<typeof SlackWebhookRef>;

export const SlackConfig = z.strictObject({
  webhook: SlackWebhookRef,
});

export const AuditConfig = z
  .strictObject({
    bucket: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')
      .optional(),
    kmsKeyId: z.string().min(1).max(2048).optional(),
    localDir: z.string().min(1).optional(),
  })
  .prefault({});

export const RequeueConfig = z
  .strictObject({
    maxAttempts: z.number().int().min(0).max(100).default(8),
  })
  .prefault({});

const ConfigInput = z.strictObject({
  clusters: z.array(ClusterInput).min(1, 'at least one cluster is required'),
  slack: SlackConfig.optional(),
  audit: AuditConfig,
  requeue: RequeueConfig,
  defaults: Defaults,
});

export const RemediatorConfig = ConfigInput.superRefine((config, ctx) => {
  const seen = new Set<string>();
  config.clusters.forEach((cluster, index) => {
    if (seen.has(cluster.name)) {
      ctx.addIssue({ code: 'custom', path: ['clusters', index, 'name'], message: 'duplicate cluster name' });
    }
    seen.add(cluster.name);
  });
}).transform((config) => ({
  ...config,
  clusters: config.clusters.map((cluster) => {
    const quietPeriod = cluster.quietPeriod ?? config.defaults.quietPeriod;
    return {
      ...cluster,
      mode: cluster.mode ?? config.defaults.mode,
      namespaceModes: cluster.namespaceModes ?? {},
      quietPeriod,
      quietPeriodMs: parseDuration(quietPeriod),
      maxRemovalsPerInvocation: cluster.maxRemovalsPerInvocation ?? config.defaults.maxRemovalsPerInvocation,
      maxRemovalsPerSweep: cluster.maxRemovalsPerSweep ?? config.defaults.maxRemovalsPerSweep,
    };
  }),
}));

/** The validated configuration, defaults applied. */
export type RemediatorConfig = z.output<typeof RemediatorConfig>;
/** What a configuration file may contain (optional fields optional). */
export type RemediatorConfigInput = z.input<typeof RemediatorConfig>;
/** One cluster with every default applied: what the rest of the code reads. */
export type ClusterConfig = RemediatorConfig['clusters'][number];
