import type { Mode } from '../domain/decision.js';
import { parseDuration } from '../domain/duration.js';
import { matchesNamespace, specificity } from './namespace-pattern.js';
import type { RemediatorConfig } from './schema.js';

/** What the configuration allows for one Workflow's namespace on one cluster. */
export interface EffectivePolicy {
  cluster: string;
  namespace: string;
  mode: Mode;
  /** false: the namespace is out of scope (or the cluster unknown); the Workflow is not evaluated. */
  included: boolean;
  /** Why `mode` and `included` are what they are, for decision outcomes and audit records. */
  reason: string;
  quietPeriodMs: number;
  caps: { perInvocation: number; perSweep: number };
  /** The cluster's configured Argo version, if any: it words reasons only. */
  argoVersion?: string | undefined;
}

/**
 * Pure. Scope: a namespace is in scope when it matches some `include` pattern (or no `include` is given)
 * and matches no `exclude` pattern; exclude wins. Mode: the most specific matching `namespaceModes` key
 * (exact name, then the glob with the most literal characters), else the cluster's mode. An unknown cluster
 * is out of scope and dry run, whatever the defaults say (safety invariant 6).
 */
export function policyFor(config: RemediatorConfig, clusterName: string, namespace: string): EffectivePolicy {
  const cluster = config.clusters.find((c) => c.name === clusterName);
  if (!cluster) {
    return {
      cluster: clusterName,
      namespace,
      mode: 'dry-run',
      included: false,
      reason: `cluster '${clusterName}' is not configured`,
      quietPeriodMs: parseDuration(config.defaults.quietPeriod),
      caps: { perInvocation: 0, perSweep: 0 },
    };
  }

  const base = {
    cluster: cluster.name,
    namespace,
    quietPeriodMs: cluster.quietPeriodMs,
    caps: { perInvocation: cluster.maxRemovalsPerInvocation, perSweep: cluster.maxRemovalsPerSweep },
    ...(cluster.argoVersion ? { argoVersion: cluster.argoVersion } : {}),
  };
  const scope = namespaceScope(cluster.namespaces, namespace);
  const override = mostSpecific(Object.keys(cluster.namespaceModes), namespace);
  const mode = override === undefined ? cluster.mode : cluster.namespaceModes[override]!;
  const modeReason =
    override === undefined ? `cluster mode ${mode}` : `namespace mode ${mode} (namespaceModes '${override}')`;
  return { ...base, mode, included: scope.included, reason: `${scope.reason}; ${modeReason}` };
}

function namespaceScope(
  selection: { include?: string[] | undefined; exclude?: string[] | undefined },
  namespace: string,
): { included: boolean; reason: string } {
  const excludedBy = selection.exclude?.find((p) => matchesNamespace(p, namespace));
  if (excludedBy !== undefined) return { included: false, reason: `namespace excluded by '${excludedBy}'` };
  if (selection.include === undefined || selection.include.length === 0) {
    return { included: true, reason: 'all namespaces included' };
  }
  const includedBy = selection.include.find((p) => matchesNamespace(p, namespace));
  return includedBy === undefined
    ? { included: false, reason: 'namespace matches no include pattern' }
    : { included: true, reason: `namespace included by '${includedBy}'` };
}

function mostSpecific(patterns: string[], namespace: string): string | undefined {
  let best: string | undefined;
  for (const pattern of patterns) {
    if (!matchesNamespace(pattern, namespace)) continue;
    if (best === undefined || specificity(pattern) > specificity(best)) best = pattern;
  }
  return best;
}
