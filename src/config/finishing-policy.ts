import type { Mode } from '../domain/decision.js';
import { FINISHING_ACTIONS, type AllowedBucket, type FinishingAction, type FinishingCaps, type FinishingSetting, type RearmSettings } from './finishing.js';
import { matchesNamespace, specificity } from './namespace-pattern.js';
import { policyFor } from './policy.js';
import type { RemediatorConfig } from './schema.js';

/**
 * What one finishing action may do for one Workflow's namespace.
 * - `setting`: what the configuration says (`off | approval | auto`).
 * - `runs`: whether the action may run at all without an approval in hand.
 * - `applies`: whether it may write (delete objects, patch, delete tasks); false in a dry-run or notify-only
 *   cluster, where the action only reports what it would do (README "Finishing GC" "a dry run reports what each action
 *   would do").
 */
export interface ActionPolicy {
  setting: FinishingSetting;
  runs: boolean;
  applies: boolean;
  reason: string;
}

export interface FinishingPolicy {
  cluster: string;
  namespace: string;
  mode: Mode;
  actions: Record<FinishingAction, ActionPolicy>;
  buckets: AllowedBucket[];
  caps: FinishingCaps;
  rearm: RearmSettings;
}

/**
 * Until Slack approvals exist (issue 14) an `approval` setting cannot be satisfied, so it acts as `off`. The
 * approval path passes `approved: true` once it has verified a click (README "Approvals from Slack").
 */
export const APPROVAL_UNAVAILABLE = 'needs an approval, and no approval was given: acts as off';

/**
 * Pure. Per action: the most specific `finishing.clusters.<c>.namespaces` pattern that sets it, else the
 * cluster's own setting, else `finishing.defaults`, else `off`. An unknown or out-of-scope cluster/namespace
 * gets every action off.
 */
export function finishingPolicyFor(
  config: RemediatorConfig,
  clusterName: string,
  namespace: string,
  opts: { approved?: ReadonlySet<FinishingAction> } = {},
): FinishingPolicy {
  const base = policyFor(config, clusterName, namespace);
  const finishing = config.finishing;
  const cluster = finishing.clusters[clusterName];
  const actions = {} as Record<FinishingAction, ActionPolicy>;
  for (const action of FINISHING_ACTIONS) {
    if (!base.included) {
      actions[action] = { setting: 'off', runs: false, applies: false, reason: `off: ${base.reason}` };
      continue;
    }
    const patterns = Object.keys(cluster?.namespaces ?? {}).filter(
      (p) => matchesNamespace(p, namespace) && cluster!.namespaces![p]![action] !== undefined,
    );
    const best = patterns.sort((a, b) => specificity(b) - specificity(a))[0];
    const [setting, from] =
      best !== undefined ? [cluster!.namespaces![best]![action]!, `finishing.clusters.${clusterName}.namespaces '${best}'`]
      : cluster?.[action] !== undefined ? [cluster[action]!, `finishing.clusters.${clusterName}`]
      : finishing.defaults[action] !== undefined ? [finishing.defaults[action]!, 'finishing.defaults']
      : (['off', 'default'] as const);
    actions[action] = decide(action, setting, from, base.mode, opts.approved?.has(action) === true);
  }
  return {
    cluster: clusterName,
    namespace,
    mode: base.mode,
    actions,
    buckets: finishing.buckets,
    caps: cluster?.caps ?? finishing.caps,
    rearm: finishing.rearm,
  };
}

function decide(action: FinishingAction, setting: FinishingSetting, from: string, mode: Mode, approved: boolean): ActionPolicy {
  const said = `${action} ${setting} (${from})`;
  if (setting === 'off') return { setting, runs: false, applies: false, reason: said };
  if (setting === 'approval' && !approved) return { setting, runs: false, applies: false, reason: `${said}: ${APPROVAL_UNAVAILABLE}` };
  // verify only reads; what it leads to (a removal) follows the cluster mode like any other removal.
  const applies = mode === 'remediate';
  const how = setting === 'approval' ? 'approved' : 'auto';
  return {
    setting,
    runs: true,
    applies,
    reason: applies || action === 'verify' ? `${said}: ${how}` : `${said}: ${how}, but cluster mode ${mode} only reports what it would do`,
  };
}
