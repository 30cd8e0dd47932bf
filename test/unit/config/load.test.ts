import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.js';
import { clearConfigCache, loadConfigFile, loadConfigFromEnv } from '../../../src/config/load.js';

const minimal = { clusters: [{ name: 'prod', auth: { type: 'kubeconfig' } }] };
const token = 'sk-TOKEN-never-print-me';

afterEach(() => clearConfigCache());

describe('loadConfigFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'afr-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads YAML', async () => {
    const path = join(dir, 'c.yaml');
    await writeFile(path, 'clusters:\n  - name: prod\n    auth: { type: kubeconfig }\n    mode: remediate\n    quietPeriod: 90s\n');
    const config = await loadConfigFile(path);
    expect(config.clusters[0]).toMatchObject({ name: 'prod', mode: 'remediate', quietPeriodMs: 90_000 });
  });

  it('reads JSON', async () => {
    const path = join(dir, 'c.json');
    await writeFile(path, JSON.stringify(minimal));
    expect((await loadConfigFile(path)).clusters[0]?.mode).toBe('dry-run');
  });

  it('reads the shipped example', async () => {
    const config = await loadConfigFile(join(import.meta.dirname, '../../../examples/config.example.yaml'));
    expect(config.clusters.length).toBeGreaterThan(0);
  });

  it('names a missing file and its error code', async () => {
    await expect(loadConfigFile(join(dir, 'nope.yaml'))).rejects.toThrow(/cannot read configuration file .*nope\.yaml \(ENOENT\)/);
  });

  it('reports a syntax error by position without quoting the line (which may hold a token)', async () => {
    const path = join(dir, 'bad.yaml');
    await writeFile(path, `clusters:\n  - name: prod\n    auth: { type: token, token: ${token}\n`);
    const err = await loadConfigFile(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/is not valid JSON or YAML: .* at line \d+, column \d+$/);
    expect((err as Error).message).not.toContain(token);
  });

  it('names the file and the field on a validation error', async () => {
    const path = join(dir, 'invalid.yaml');
    await writeFile(path, 'clusters:\n  - name: prod\n    auth: { type: kubeconfig }\n    mode: on\n');
    await expect(loadConfigFile(path)).rejects.toThrow(`invalid configuration (file ${path}): clusters[0].mode: Invalid option`);
  });

  it('warns when the webhook URL is in the file', async () => {
    const path = join(dir, 'url.yaml');
    await writeFile(path, JSON.stringify({ ...minimal, slack: { webhook: { url: 'http://127.0.0.1:9/hook' } } }));
    const warn = vi.fn();
    await loadConfigFile(path, { warn });
    expect(warn).toHaveBeenCalledOnce();
    expect(warn.mock.calls[0]?.[0]).toContain('slack.webhook.url');
    expect(warn.mock.calls[0]?.[0]).not.toContain('127.0.0.1');
  });
});

describe('loadConfigFromEnv', () => {
  it('reads AFR_CONFIG as JSON', async () => {
    const config = await loadConfigFromEnv({ AFR_CONFIG: JSON.stringify(minimal) });
    expect(config.clusters[0]?.name).toBe('prod');
  });

  it('fails with a readable message when nothing is configured', async () => {
    await expect(loadConfigFromEnv({})).rejects.toThrow(/no configuration: set AFR_CONFIG .* or AFR_CONFIG_SSM_PARAM/);
  });

  it('does not echo an AFR_CONFIG that is not JSON', async () => {
    const err = await loadConfigFromEnv({ AFR_CONFIG: `{"clusters": [{"auth": {"token": "${token}"` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('configuration (env AFR_CONFIG) is not valid JSON or YAML');
    expect((err as Error).message).not.toContain(token);
  });

  it('reads the SSM parameter once, then serves warm invocations from the cache', async () => {
    const getParameter = vi.fn(async () => JSON.stringify(minimal));
    const env = { AFR_CONFIG_SSM_PARAM: '/afr/ci/config' };
    const first = await loadConfigFromEnv(env, { getParameter });
    const second = await loadConfigFromEnv(env, { getParameter });
    expect(second).toBe(first);
    expect(getParameter).toHaveBeenCalledExactlyOnceWith('/afr/ci/config');
  });

  it('does not cache a failed read, so the next invocation retries', async () => {
    const getParameter = vi
      .fn<(name: string) => Promise<string>>()
      .mockRejectedValueOnce(new ConfigError('cannot read SSM parameter /p (ThrottlingException)'))
      .mockResolvedValueOnce(JSON.stringify(minimal));
    const env = { AFR_CONFIG_SSM_PARAM: '/p' };
    await expect(loadConfigFromEnv(env, { getParameter })).rejects.toThrow('ThrottlingException');
    await expect(loadConfigFromEnv(env, { getParameter })).resolves.toMatchObject({ clusters: [{ name: 'prod' }] });
  });

  it('prefers AFR_CONFIG over the SSM parameter', async () => {
    const getParameter = vi.fn(async () => '{}');
    const config = await loadConfigFromEnv({ AFR_CONFIG: JSON.stringify(minimal), AFR_CONFIG_SSM_PARAM: '/p' }, { getParameter });
    expect(config.clusters).toHaveLength(1);
    expect(getParameter).not.toHaveBeenCalled();
  });

  it('names the parameter on a validation error, without the token it holds', async () => {
    const document = { clusters: [{ name: 'p', auth: { type: 'token', server: 'https://k', token }, mode: 'x' }] };
    const err = await loadConfigFromEnv({ AFR_CONFIG_SSM_PARAM: '/afr/config' }, { getParameter: async () => JSON.stringify(document) }).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).toBe(
      'invalid configuration (SSM parameter /afr/config): clusters[0].mode: Invalid option: expected one of "dry-run"|"notify-only"|"remediate"',
    );
  });

  it('fills audit.bucket and slack from the deployment wiring when the document leaves them out', async () => {
    const env = { AFR_CONFIG: JSON.stringify(minimal), AUDIT_BUCKET: 'afr-audit-ci', SLACK_WEBHOOK_SSM_PARAM: '/afr/ci/slack' };
    const config = await loadConfigFromEnv(env);
    expect(config.audit.bucket).toBe('afr-audit-ci');
    expect(config.slack).toEqual({ webhook: { ssmParameter: '/afr/ci/slack' } });
  });

  it('keeps what the document says over the deployment wiring', async () => {
    const document = { ...minimal, audit: { bucket: 'mine-bucket' }, slack: { webhook: { secretId: 'afr/slack' } } };
    const env = { AFR_CONFIG: JSON.stringify(document), AUDIT_BUCKET: 'afr-audit-ci', SLACK_WEBHOOK_SSM_PARAM: '/afr/ci/slack' };
    const config = await loadConfigFromEnv(env);
    expect(config.audit.bucket).toBe('mine-bucket');
    expect(config.slack?.webhook).toEqual({ secretId: 'afr/slack' });
  });
});
