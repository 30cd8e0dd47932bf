import * as z from 'zod';
import { ApprovalAction, TwoPersonRule } from '../domain/approval.js';
import { Mode } from '../domain/mode.js';
import { isArgoVersion } from '../domain/argo-version.js';
import { parseDuration } from '../domain/duration.js';
import { ClusterAuth } from '../kube/auth/config.js';
import { FinishingConfig } from './finishing.js';
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
  /** The cluster's Argo Workflows release (`v3.7.18`): words reasons where argo #16897 changed a field's meaning; never a verdict. */
  argoVersion: z.string().refine(isArgoVersion, 'must be an Argo Workflows release such as v3.7.18').optional(),
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

/**
 * A secret the functions read at cold start: an SSM SecureString (deployments), or the value itself (local runs
 * and the demo only; the loader warns). A value may hold two secrets, one per line: the current one first, the
 * previous one second while a rotation is under way.
 */
export const SecretRef = z.union(
  [z.strictObject({ ssmParameter: SsmParameterName }), z.strictObject({ value: z.string().min(1).max(4096) })],
  { error: 'must be exactly one of {ssmParameter} or {value}' },
);
export type SecretRef = z.infer<typeof SecretRef>;

/**
 * The Slack app that makes notify messages interactive (src/interact/README.md). Without it messages have no buttons and
 * the interact function refuses every request. Ids are Slack's own: users are authorised by id, never by name.
 */
export const SlackAppConfig = z.strictObject({
  teamId: z.string().regex(/^[TE][A-Z0-9]{2,20}$/, 'must be a Slack team id such as T0123ABCD'),
  appId: z.string().regex(/^A[A-Z0-9]{2,20}$/, 'must be a Slack app id such as A0123ABCD'),
  approvers: z.array(z.string().regex(/^[UW][A-Z0-9]{2,20}$/, 'must be a Slack user id such as U0123ABCD')).min(1).max(200),
  /** Filled from SLACK_SIGNING_SECRET_SSM_PARAM (serverless.yml) when left out. */
  signingSecret: SecretRef.optional(),
  /** The key that signs button values; filled from SLACK_BUTTON_KEY_SSM_PARAM when left out. */
  buttonKey: SecretRef.optional(),
  /** `remove-with-orphans`: a removal that leaves artifacts in storage needs two distinct approvers. */
  requireTwoApproversFor: z.array(TwoPersonRule).default([]),
  /** How long a button can be clicked (at most 7d). */
  approvalTtl: DurationText.default('24h'),
  /** Which buttons may be offered at all; the finishing policy narrows it per cluster and namespace. */
  actions: z.array(ApprovalAction).default(['rearm', 'complete', 'remove', 'snooze', 'deny']),
  /** Where a click's response_url may point; anything else is never posted to. */
  responseUrlOrigins: z.array(z.url({ protocol: /^https?$/ })).min(1).default(['https://hooks.slack.com']),
});
export type SlackAppConfig = z.output<typeof SlackAppConfig>;

export const SlackConfig = z.strictObject({
  webhook: SlackWebhookRef,
  app: SlackAppConfig.optional(),
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
  finishing: FinishingConfig,
});

export const RemediatorConfig = ConfigInput.superRefine((config, ctx) => {
  const seen = new Set<string>();
  config.clusters.forEach((cluster, index) => {
    if (seen.has(cluster.name)) {
      ctx.addIssue({ code: 'custom', path: ['clusters', index, 'name'], message: 'duplicate cluster name' });
    }
    seen.add(cluster.name);
  });
  for (const name of Object.keys(config.finishing.clusters)) {
    if (!seen.has(name)) ctx.addIssue({ code: 'custom', path: ['finishing', 'clusters', name], message: 'names no configured cluster' });
  }
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
