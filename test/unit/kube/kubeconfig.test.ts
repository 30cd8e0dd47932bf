import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClusterAuth } from '../../../src/kube/auth/config.js';
import { KubeconfigError, loadKubeconfig } from '../../../src/kube/auth/kubeconfig.js';
import { kubeConfigFromToken } from '../../../src/kube/auth/token.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'afr-kubeconfig-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, doc: { clusters?: string[]; contexts?: [string, string, string?][]; current?: string; server?: string }): string {
  const path = join(dir, name);
  const lines = ['apiVersion: v1', 'kind: Config'];
  lines.push('clusters:', ...(doc.clusters ?? []).map((c) => `- name: ${c}\n  cluster:\n    server: ${doc.server ?? `https://${c}.example:6443`}`));
  lines.push('users:', ...(doc.contexts ?? []).map((_ctx, i) => `- name: u-${name}-${i}\n  user:\n    token: t-${name}-${i}`));
  lines.push(
    'contexts:',
    ...(doc.contexts ?? []).map(
      ([ctx, cluster, ns], i) => `- name: ${ctx}\n  context:\n    cluster: ${cluster}\n    user: u-${name}-${i}${ns ? `\n    namespace: ${ns}` : ''}`,
    ),
  );
  if (doc.current) lines.push(`current-context: ${doc.current}`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('loadKubeconfig', () => {
  it('uses an explicit file and its current-context', () => {
    const path = file('a', { clusters: ['one'], contexts: [['ctx-a', 'one', 'argo']], current: 'ctx-a' });
    const kc = loadKubeconfig({ path, env: {} });
    expect(kc.getCurrentContext()).toBe('ctx-a');
    expect(kc.getCurrentCluster()?.server).toBe('https://one.example:6443');
    expect(kc.getContextObject('ctx-a')?.namespace).toBe('argo');
  });

  it('merges a colon-separated KUBECONFIG like kubectl: first definition and first current-context win, missing files skipped', () => {
    const a = file('a', { clusters: ['shared'], contexts: [['ctx-a', 'shared']], server: 'https://first:6443' });
    const b = file('b', { clusters: ['shared', 'two'], contexts: [['ctx-b', 'two'], ['ctx-a', 'two']], current: 'ctx-b', server: 'https://second:6443' });
    const c = file('c', { clusters: ['three'], contexts: [['ctx-c', 'three']], current: 'ctx-c' });
    const kc = loadKubeconfig({ env: { KUBECONFIG: [a, join(dir, 'missing'), b, c].join(':') } });
    expect(kc.getCurrentContext()).toBe('ctx-b');
    expect(kc.getCluster('shared')?.server).toBe('https://first:6443');
    expect(kc.getContextObject('ctx-a')?.cluster).toBe('shared');
    expect(kc.getContexts().map((x) => x.name).sort()).toEqual(['ctx-a', 'ctx-b', 'ctx-c']);
  });

  it('switches to --context, and names the known contexts when it does not exist', () => {
    const path = file('a', { clusters: ['one', 'two'], contexts: [['ctx-1', 'one'], ['ctx-2', 'two']], current: 'ctx-1' });
    expect(loadKubeconfig({ path, context: 'ctx-2', env: {} }).getCurrentCluster()?.name).toBe('two');
    expect(() => loadKubeconfig({ path, context: 'nope', env: {} })).toThrow(/context "nope" not found .*known: ctx-1, ctx-2/);
  });

  it('falls back to ~/.kube/config and says clearly when there is nothing', () => {
    expect(() => loadKubeconfig({ env: {}, home: dir })).toThrow(KubeconfigError);
    expect(() => loadKubeconfig({ env: {}, home: dir })).toThrow(/no kubeconfig found/);
    expect(() => loadKubeconfig({ path: join(dir, 'absent'), env: {} })).toThrow(/does not exist/);
    expect(() => loadKubeconfig({ env: { KUBECONFIG: join(dir, 'x') } })).toThrow(/none of the files in KUBECONFIG exist/);
  });

  it('rejects a kubeconfig without a usable current context', () => {
    const path = file('a', { clusters: ['one'], contexts: [['ctx-1', 'one']] });
    expect(() => loadKubeconfig({ path, env: {} })).toThrow(/no current-context/);
    const broken = join(dir, 'broken');
    writeFileSync(broken, 'clusters: [ {name: x, cluster: {server: https://x}} ]\ncontexts: [ {name: c, context: {cluster: y, user: u}} ]\ncurrent-context: c\n');
    expect(() => loadKubeconfig({ path: broken, env: {} })).toThrow(/names cluster "y", which is not defined/);
  });
});

describe('ClusterAuth', () => {
  it('accepts the three auth shapes and rejects bad ones', () => {
    expect(ClusterAuth.parse({ type: 'kubeconfig' })).toEqual({ type: 'kubeconfig' });
    expect(ClusterAuth.parse({ type: 'token', server: 'http://127.0.0.1:8080', token: 's', skipTLSVerify: true }).type).toBe('token');
    expect(
      ClusterAuth.parse({ type: 'eks', clusterName: 'prod', region: 'eu-west-1', server: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com', caData: 'LS0t' }).type,
    ).toBe('eks');
    expect(ClusterAuth.safeParse({ type: 'eks', clusterName: 'prod', region: 'eu-west-1', server: 'http://x', caData: 'LS0t' }).success).toBe(false);
    expect(ClusterAuth.safeParse({ type: 'eks', clusterName: 'prod', region: 'Ireland', server: 'https://x', caData: 'LS0t' }).success).toBe(false);
    expect(ClusterAuth.safeParse({ type: 'token', server: 'ftp://x', token: 's' }).success).toBe(false);
    expect(ClusterAuth.safeParse({ type: 'token', server: 'https://x', token: '' }).success).toBe(false);
    expect(ClusterAuth.safeParse({ type: 'basic' }).success).toBe(false);
  });

  it('never echoes the token in a validation error', () => {
    const result = ClusterAuth.safeParse({ type: 'token', server: 'not a url', token: 'super-secret-token' });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error)).not.toContain('super-secret-token');
  });
});

describe('kubeConfigFromToken', () => {
  it('builds a single-context config with the bearer token and TLS settings', () => {
    const kc = kubeConfigFromToken({ server: 'https://10.0.0.1:6443', caData: 'Q0E=', token: 'tok' });
    expect(kc.getCurrentCluster()).toMatchObject({ server: 'https://10.0.0.1:6443', caData: 'Q0E=', skipTLSVerify: false });
    expect(kc.getCurrentUser()?.token).toBe('tok');
  });
});
