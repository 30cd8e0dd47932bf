import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.js';
import { parseConfig } from '../../../src/config/load.js';
import { RemediatorConfig } from '../../../src/config/schema.js';

const kubeconfig = { type: 'kubeconfig' } as const;

function errorOf(document: unknown): string {
  try {
    parseConfig(document, 'test');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('RemediatorConfig defaults', () => {
  it('fills every default for a minimal cluster', () => {
    const config = RemediatorConfig.parse({ clusters: [{ name: 'prod', auth: kubeconfig }] });
    expect(config.clusters[0]).toEqual({
      name: 'prod',
      auth: kubeconfig,
      mode: 'dry-run',
      namespaces: {},
      namespaceModes: {},
      quietPeriod: '30m',
      quietPeriodMs: 1_800_000,
      maxRemovalsPerInvocation: 10,
      maxRemovalsPerSweep: 25,
    });
    expect(config.requeue).toEqual({ maxAttempts: 8 });
    expect(config.audit).toEqual({});
    expect(config.slack).toBeUndefined();
    expect(config.defaults).toEqual({
      mode: 'dry-run',
      quietPeriod: '30m',
      maxRemovalsPerInvocation: 10,
      maxRemovalsPerSweep: 25,
    });
  });

  it('applies the defaults block to clusters that leave a field out, and lets clusters override it', () => {
    const config = RemediatorConfig.parse({
      defaults: { mode: 'notify-only', quietPeriod: '2h', maxRemovalsPerInvocation: 3 },
      clusters: [
        { name: 'a', auth: kubeconfig },
        { name: 'b', auth: kubeconfig, mode: 'remediate', quietPeriod: '90s', maxRemovalsPerSweep: 1 },
      ],
    });
    const [a, b] = config.clusters;
    expect(a).toMatchObject({ mode: 'notify-only', quietPeriodMs: 7_200_000, maxRemovalsPerInvocation: 3, maxRemovalsPerSweep: 25 });
    expect(b).toMatchObject({ mode: 'remediate', quietPeriodMs: 90_000, maxRemovalsPerInvocation: 3, maxRemovalsPerSweep: 1 });
  });

  it('accepts every auth method and every webhook reference', () => {
    const config = RemediatorConfig.parse({
      clusters: [
        { name: 'k', auth: { type: 'kubeconfig', path: '/tmp/kc', context: 'dev' } },
        { name: 't', auth: { type: 'token', server: 'https://127.0.0.1:6443', token: 't0k', skipTLSVerify: true } },
        {
          name: 'e',
          auth: { type: 'eks', clusterName: 'prod', region: 'eu-west-1', server: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com', caData: 'LS0t' },
        },
      ],
      slack: { webhook: { secretId: 'afr/slack' } },
      audit: { bucket: 'afr-audit-123', kmsKeyId: 'alias/afr', localDir: '.demo/audit' },
      requeue: { maxAttempts: 0 },
    });
    expect(config.clusters.map((c) => c.auth.type)).toEqual(['kubeconfig', 'token', 'eks']);
    expect(config.slack?.webhook).toEqual({ secretId: 'afr/slack' });
  });
});

describe('RemediatorConfig validation messages', () => {
  const cluster = { name: 'prod', auth: kubeconfig };

  it.each([
    ['an unknown top-level key', { clusters: [cluster], clsuters: [] }, 'clsuters: unknown key (misspelt?'],
    ['an unknown cluster key', { clusters: [{ ...cluster, mdoe: 'remediate' }] }, 'clusters[0].mdoe: unknown key (misspelt?'],
    ['no clusters', { clusters: [] }, 'clusters: at least one cluster is required'],
    ['a missing clusters list', {}, 'clusters: Invalid input: expected array, received undefined'],
    ['an empty cluster name', { clusters: [{ ...cluster, name: '' }] }, 'clusters[0].name: Too small'],
    ['a 101-character cluster name', { clusters: [{ ...cluster, name: 'x'.repeat(101) }] }, 'clusters[0].name: Too big'],
    ['a duplicate cluster name', { clusters: [cluster, cluster] }, 'clusters[1].name: duplicate cluster name'],
    ['an unknown mode', { clusters: [{ ...cluster, mode: 'yolo' }] }, 'clusters[0].mode: Invalid option: expected one of "dry-run"|"notify-only"|"remediate"'],
    ['an unknown auth type', { clusters: [{ ...cluster, auth: { type: 'oidc' } }] }, "clusters[0].auth.type: Invalid discriminator value. Expected 'kubeconfig' | 'token' | 'eks'"],
    ['a token auth without a server', { clusters: [{ ...cluster, auth: { type: 'token', token: 'x' } }] }, 'clusters[0].auth.server: server must be an http(s) URL'],
    ['an eks auth with a bad region', { clusters: [{ ...cluster, auth: { type: 'eks', clusterName: 'p', region: 'mars', server: 'https://x', caData: 'c' } }] }, 'clusters[0].auth.region: not an AWS region'],
    ['an invalid include pattern', { clusters: [{ ...cluster, namespaces: { include: ['Team_A'] } }] }, "clusters[0].namespaces.include[0]: must be a namespace name (DNS-1123 label) or a glob using '*'"],
    ['an invalid exclude pattern', { clusters: [{ ...cluster, namespaces: { exclude: ['kube system'] } }] }, 'clusters[0].namespaces.exclude[0]: must be a namespace name'],
    ['an invalid namespaceModes key', { clusters: [{ ...cluster, namespaceModes: { 'A!': 'remediate' } }] }, 'clusters[0].namespaceModes["A!"]: key must be a namespace name'],
    ['an invalid namespaceModes mode', { clusters: [{ ...cluster, namespaceModes: { argo: 'on' } }] }, 'clusters[0].namespaceModes.argo: Invalid option'],
    ['an unparseable quiet period', { clusters: [{ ...cluster, quietPeriod: 'soon' }] }, "clusters[0].quietPeriod: invalid duration 'soon'"],
    ['a zero quiet period', { clusters: [{ ...cluster, quietPeriod: '0s' }] }, 'clusters[0].quietPeriod: must be longer than zero'],
    ['a quiet period over 7 days', { clusters: [{ ...cluster, quietPeriod: '8d' }] }, 'clusters[0].quietPeriod: must be at most 7d'],
    ['a negative cap', { clusters: [{ ...cluster, maxRemovalsPerInvocation: -1 }] }, 'clusters[0].maxRemovalsPerInvocation: Too small'],
    ['a fractional cap', { clusters: [{ ...cluster, maxRemovalsPerSweep: 1.5 }] }, 'clusters[0].maxRemovalsPerSweep: Invalid input: expected int'],
    ['a non-URL Argo UI link', { clusters: [{ ...cluster, argoUiUrl: 'argo.example.com' }] }, 'clusters[0].argoUiUrl: Invalid URL'],
    ['two webhook references at once', { clusters: [cluster], slack: { webhook: { ssmParameter: '/a', url: 'https://h' } } }, 'slack.webhook: must be exactly one of {ssmParameter}, {secretId} or {url}'],
    ['a bad SSM parameter name', { clusters: [cluster], slack: { webhook: { ssmParameter: 'a b' } } }, 'slack.webhook'],
    ['a bad audit bucket', { clusters: [cluster], audit: { bucket: 'Has_Upper' } }, 'audit.bucket: must be an S3 bucket name'],
    ['a negative requeue count', { clusters: [cluster], requeue: { maxAttempts: -1 } }, 'requeue.maxAttempts: Too small'],
    ['an unknown defaults key', { clusters: [cluster], defaults: { quiet: '1m' } }, 'defaults.quiet: unknown key (misspelt?'],
    ['a document that is not an object', ['not', 'an', 'object'], '(top level): Invalid input: expected object, received array'],
  ])('rejects %s, naming the field', (_what, document, expected) => {
    const message = errorOf(document);
    expect(message.startsWith('invalid configuration (test): ')).toBe(true);
    expect(message).toContain(expected);
    expect(message).not.toContain('\n');
  });

  it('reports every problem in one paragraph', () => {
    const message = errorOf({ clusters: [{ ...cluster, mode: 'x', quietPeriod: 'y' }], typo: true });
    expect(message.split('; ')).toHaveLength(3);
  });
});

describe('secrets never appear in validation errors', () => {
  const token = 'sk-TOKEN-never-print-me';
  const webhook = 'hooks.slack.com/services/T000/B000/SECRETSECRETSECRET';

  it.each([
    ['a token of the wrong type next to a bad server', { type: 'token', server: `not a url ${token}`, token: 42 }],
    ['a token auth with an extra key holding a secret', { type: 'token', server: 'https://k', token, extra: token }],
    ['a token on an eks auth', { type: 'eks', clusterName: 'p', region: 'eu-west-1', server: 'https://k', caData: token, token }],
    ['an empty token', { type: 'token', server: `ftp://${token}`, token: '' }],
  ])('%s', (_what, auth) => {
    const message = errorOf({ clusters: [{ name: 'prod', auth }] });
    expect(message).not.toContain(token);
    expect(message).toMatch(/clusters\[0\]\.auth/);
  });

  it('a malformed webhook URL', () => {
    const message = errorOf({ clusters: [{ name: 'p', auth: kubeconfig }], slack: { webhook: { url: webhook } } });
    expect(message).not.toContain('SECRETSECRET');
    expect(message).toContain('slack.webhook');
  });
});

describe('clusters[].argoVersion', () => {
  it('is optional, kept as given, and reaches the effective policy', async () => {
    const { policyFor } = await import('../../../src/config/policy.js');
    const config = parseConfig({ clusters: [{ name: 'prod', auth: kubeconfig, argoVersion: 'v3.7.18' }, { name: 'dev', auth: kubeconfig }] }, 'test');
    expect(config.clusters[0]!.argoVersion).toBe('v3.7.18');
    expect(policyFor(config, 'prod', 'argo').argoVersion).toBe('v3.7.18');
    expect(policyFor(config, 'dev', 'argo').argoVersion).toBeUndefined();
  });

  it('refuses what is not a release version, naming the field', () => {
    for (const bad of ['latest', 'v3.7', '3.7.x', '']) {
      expect(errorOf({ clusters: [{ name: 'prod', auth: kubeconfig, argoVersion: bad }] })).toContain('clusters[0].argoVersion: must be an Argo Workflows release');
    }
  });
});
