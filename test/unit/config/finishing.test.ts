import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.js';
import { finishingPolicyFor } from '../../../src/config/finishing-policy.js';
import { parseConfig } from '../../../src/config/load.js';
import { RemediatorConfig } from '../../../src/config/schema.js';

const kubeconfig = { type: 'kubeconfig' } as const;
const bucket = { bucket: 'argo-artifacts', keyPrefixes: ['{{workflow.name}}/'] };

function errorOf(document: unknown): string {
  try {
    parseConfig(document, 'test');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('finishing configuration', () => {
  it('defaults every action to off, with caps and two re-arm attempts', () => {
    const config = RemediatorConfig.parse({ clusters: [{ name: 'prod', auth: kubeconfig }] });
    expect(config.finishing).toEqual({
      defaults: {},
      clusters: {},
      buckets: [],
      caps: { objectsPerInvocation: 1000, bytesPerInvocation: 10 * 1024 ** 3, objectsPerDay: 10_000, bytesPerDay: 100 * 1024 ** 3, rearmsPerInvocation: 5 },
      rearm: { maxAttempts: 2, podGoneTimeoutSeconds: 60, podGonePollSeconds: 2 },
    });
    const policy = finishingPolicyFor(config, 'prod', 'argo');
    for (const action of ['verify', 'rearm', 'complete'] as const) {
      expect(policy.actions[action]).toMatchObject({ setting: 'off', runs: false, applies: false });
    }
  });

  it('accepts prefixes holding the Workflow name or uid as a whole segment', () => {
    const config = RemediatorConfig.parse({
      clusters: [{ name: 'prod', auth: kubeconfig }],
      finishing: {
        buckets: [
          { bucket: 'argo-artifacts', region: 'eu-west-1', keyPrefixes: ['{{workflow.name}}/', 'runs/{{workflow.uid}}/out/'] },
          { bucket: 'other.bucket', keyPrefixes: ['logs/{{workflow.uid}}/'], accountId: '123456789012' },
        ],
      },
    });
    expect(config.finishing.buckets).toHaveLength(2);
  });

  it.each([
    ['artifacts/', 'must hold {{workflow.name}} or {{workflow.uid}} as a whole path segment'],
    ['', 'Too small'],
    ['{{workflow.name}}', "must end in '/'"],
    ['wf-{{workflow.name}}/', 'as a whole path segment'],
    ['/{{workflow.name}}/', "must not start with '/'"],
    ['{{workflow.name}}/../', "'.' or '..'"],
    ['{{workflow.name}}/{{pod.name}}/', 'may only use the placeholders'],
    ['{{workflow.name}}/*/', 'no wildcard'],
  ])('refuses the key prefix %j', (prefix, message) => {
    const text = errorOf({ clusters: [{ name: 'prod', auth: kubeconfig }], finishing: { buckets: [{ bucket: 'argo-artifacts', keyPrefixes: [prefix] }] } });
    expect(text).toContain('finishing.buckets[0].keyPrefixes[0]');
    expect(text).toContain(message);
  });

  it('refuses a bucket without prefixes, a bad bucket name, a duplicate bucket, an unknown setting and an unknown cluster', () => {
    const base = { clusters: [{ name: 'prod', auth: kubeconfig }] };
    expect(errorOf({ ...base, finishing: { buckets: [{ bucket: 'argo-artifacts', keyPrefixes: [] }] } })).toContain('at least one key prefix');
    expect(errorOf({ ...base, finishing: { buckets: [{ ...bucket, bucket: 'Bad_Bucket' }] } })).toContain('must be an S3 bucket name');
    expect(errorOf({ ...base, finishing: { buckets: [bucket, bucket] } })).toContain('bucket listed twice');
    expect(errorOf({ ...base, finishing: { defaults: { rearm: 'yes' } } })).toContain('finishing.defaults.rearm');
    expect(errorOf({ ...base, finishing: { clusters: { staging: { verify: 'auto' } } } })).toContain('names no configured cluster');
    expect(errorOf({ ...base, finishing: { clusters: { prod: { namespaces: { 'Team_A': { verify: 'auto' } } } } } })).toContain('key must be a namespace name');
    expect(errorOf({ ...base, finishing: { rearm: { maxAttempts: 0 } } })).toContain('finishing.rearm.maxAttempts');
    expect(errorOf({ ...base, finishing: { complete: 'auto' } })).toContain('finishing');
  });

  it('resolves namespace over cluster over defaults, most specific pattern first', () => {
    const config = RemediatorConfig.parse({
      clusters: [{ name: 'prod', auth: kubeconfig, mode: 'remediate' }],
      finishing: {
        defaults: { verify: 'auto' },
        clusters: { prod: { rearm: 'approval', namespaces: { 'team-*': { complete: 'auto' }, 'team-a': { complete: 'off', rearm: 'auto' } } } },
        buckets: [bucket],
      },
    });
    const a = finishingPolicyFor(config, 'prod', 'team-a');
    expect(a.actions.verify).toMatchObject({ setting: 'auto', runs: true, applies: true });
    expect(a.actions.rearm).toMatchObject({ setting: 'auto', runs: true, applies: true });
    expect(a.actions.complete).toMatchObject({ setting: 'off', runs: false });
    expect(a.actions.complete.reason).toContain("namespaces 'team-a'");
    const b = finishingPolicyFor(config, 'prod', 'team-b');
    expect(b.actions.complete).toMatchObject({ setting: 'auto', runs: true, applies: true });
    expect(b.actions.rearm).toMatchObject({ setting: 'approval', runs: false, applies: false });
    expect(b.actions.rearm.reason).toContain('needs an approval');
    expect(finishingPolicyFor(config, 'prod', 'team-b', { approved: new Set(['rearm']) }).actions.rearm).toMatchObject({ runs: true, applies: true });
    expect(b.buckets).toEqual([bucket]);
  });

  it('only reports in a dry-run cluster, and turns everything off for an unknown cluster or an excluded namespace', () => {
    const config = RemediatorConfig.parse({
      clusters: [{ name: 'prod', auth: kubeconfig, namespaces: { exclude: ['kube-*'] } }],
      finishing: { defaults: { verify: 'auto', rearm: 'auto', complete: 'auto' } },
    });
    const dry = finishingPolicyFor(config, 'prod', 'argo');
    expect(dry.actions.rearm).toMatchObject({ runs: true, applies: false });
    expect(dry.actions.rearm.reason).toContain('cluster mode dry-run only reports');
    expect(finishingPolicyFor(config, 'prod', 'kube-system').actions.verify).toMatchObject({ runs: false, applies: false });
    expect(finishingPolicyFor(config, 'other', 'argo').actions.complete.reason).toContain("cluster 'other' is not configured");
  });

  it('takes per-cluster caps over the global ones', () => {
    const config = RemediatorConfig.parse({
      clusters: [{ name: 'prod', auth: kubeconfig }],
      finishing: { caps: { objectsPerInvocation: 5 }, clusters: { prod: { caps: { objectsPerDay: 7 } } } },
    });
    expect(finishingPolicyFor(config, 'prod', 'argo').caps).toMatchObject({ objectsPerDay: 7, objectsPerInvocation: 1000 });
  });
});
