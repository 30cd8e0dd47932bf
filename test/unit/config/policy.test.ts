import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesNamespace } from '../../../src/config/namespace-pattern.js';
import { policyFor } from '../../../src/config/policy.js';
import { RemediatorConfig, type RemediatorConfigInput } from '../../../src/config/schema.js';

const auth = { type: 'kubeconfig' } as const;
const config = (input: Omit<RemediatorConfigInput, 'clusters'> & { clusters: Partial<RemediatorConfigInput['clusters'][number]>[] }) =>
  RemediatorConfig.parse({ ...input, clusters: input.clusters.map((c, i) => ({ name: `c${i}`, auth, ...c })) });

describe('policyFor: scope', () => {
  it('includes every namespace when no include list is given', () => {
    const p = policyFor(config({ clusters: [{}] }), 'c0', 'anything');
    expect(p).toMatchObject({ included: true, mode: 'dry-run', reason: 'all namespaces included; cluster mode dry-run' });
  });

  it('includes only namespaces matching an include pattern', () => {
    const c = config({ clusters: [{ namespaces: { include: ['argo', 'team-*'] } }] });
    expect(policyFor(c, 'c0', 'argo').included).toBe(true);
    expect(policyFor(c, 'c0', 'team-data').included).toBe(true);
    expect(policyFor(c, 'c0', 'team-').included).toBe(true);
    expect(policyFor(c, 'c0', 'argo-events')).toMatchObject({ included: false, reason: expect.stringContaining('matches no include pattern') });
    expect(policyFor(c, 'c0', 'my-team-x').included).toBe(false);
  });

  it('lets exclude win over include', () => {
    const c = config({ clusters: [{ namespaces: { include: ['*'], exclude: ['kube-*', 'argo'] } }] });
    expect(policyFor(c, 'c0', 'kube-system')).toMatchObject({ included: false, reason: expect.stringContaining("excluded by 'kube-*'") });
    expect(policyFor(c, 'c0', 'argo').included).toBe(false);
    expect(policyFor(c, 'c0', 'argo-wf').included).toBe(true);
  });

  it('treats an empty include list as "all"', () => {
    expect(policyFor(config({ clusters: [{ namespaces: { include: [] } }] }), 'c0', 'x').included).toBe(true);
  });
});

describe('policyFor: mode', () => {
  it('starts every cluster in dry run (safety invariant 6)', () => {
    expect(policyFor(config({ clusters: [{}, {}] }), 'c1', 'argo').mode).toBe('dry-run');
  });

  it('opts in per cluster', () => {
    expect(policyFor(config({ clusters: [{ mode: 'remediate' }] }), 'c0', 'argo').mode).toBe('remediate');
  });

  it('opts in per namespace in a dry-run cluster, and out per namespace in a remediating one', () => {
    const c = config({
      clusters: [
        { namespaceModes: { argo: 'remediate' } },
        { mode: 'remediate', namespaceModes: { 'prod-*': 'notify-only' } },
      ],
    });
    expect(policyFor(c, 'c0', 'argo')).toMatchObject({ mode: 'remediate', reason: expect.stringContaining("namespaceModes 'argo'") });
    expect(policyFor(c, 'c0', 'other').mode).toBe('dry-run');
    expect(policyFor(c, 'c1', 'prod-eu').mode).toBe('notify-only');
    expect(policyFor(c, 'c1', 'dev').mode).toBe('remediate');
  });

  it('picks the most specific override: exact name, then the longest glob', () => {
    const c = config({
      clusters: [{ namespaceModes: { '*': 'notify-only', 'team-*': 'remediate', 'team-a-*': 'dry-run', 'team-a-prod': 'remediate' } }],
    });
    expect(policyFor(c, 'c0', 'team-a-prod').mode).toBe('remediate');
    expect(policyFor(c, 'c0', 'team-a-dev').mode).toBe('dry-run');
    expect(policyFor(c, 'c0', 'team-b').mode).toBe('remediate');
    expect(policyFor(c, 'c0', 'default').mode).toBe('notify-only');
  });

  it('treats an unknown cluster as out of scope and dry run even when defaults say remediate', () => {
    const c = config({ defaults: { mode: 'remediate', quietPeriod: '5m' }, clusters: [{}] });
    expect(policyFor(c, 'nope', 'argo')).toEqual({
      cluster: 'nope',
      namespace: 'argo',
      mode: 'dry-run',
      included: false,
      reason: "cluster 'nope' is not configured",
      quietPeriodMs: 300_000,
      caps: { perInvocation: 0, perSweep: 0 },
    });
  });
});

describe('policyFor: quiet period and caps', () => {
  it('carries the cluster values, defaults applied', () => {
    const c = config({
      defaults: { maxRemovalsPerSweep: 7 },
      clusters: [{ quietPeriod: '2h', maxRemovalsPerInvocation: 1 }],
    });
    expect(policyFor(c, 'c0', 'argo')).toMatchObject({ quietPeriodMs: 7_200_000, caps: { perInvocation: 1, perSweep: 7 } });
  });
});

describe('matchesNamespace', () => {
  const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/);

  it('matches a name exactly and only itself', () => {
    fc.assert(fc.property(label, label, (a, b) => matchesNamespace(a, b) === (a === b)));
  });

  it("'*' matches everything, and 'prefix*' matches exactly the names starting with the prefix", () => {
    fc.assert(
      fc.property(label, label, (prefix, name) => {
        expect(matchesNamespace('*', name)).toBe(true);
        expect(matchesNamespace(`${prefix}*`, name)).toBe(name.startsWith(prefix));
        expect(matchesNamespace(`*${prefix}`, name)).toBe(name.endsWith(prefix));
      }),
    );
  });
});
