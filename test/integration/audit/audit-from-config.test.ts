// The deployed audit function takes its sink from the configuration's `audit` section when there is one.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clearConfigCache } from '../../../src/config/load.js';
import { gcFailedDecision } from '../../unit/notify/fixtures.js';

const saved = { ...process.env };
afterAll(() => {
  process.env = saved;
  clearConfigCache();
});

describe('audit function configured by the remediator configuration', () => {
  it('writes under audit.localDir when the configuration names it and no bucket is set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'afr-audit-config-'));
    delete process.env['AUDIT_BUCKET'];
    delete process.env['AUDIT_DIR'];
    process.env['AFR_CONFIG'] = JSON.stringify({ clusters: [{ name: 'prod', auth: { type: 'kubeconfig' } }], audit: { localDir: dir } });
    process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
    process.env['POWERTOOLS_METRICS_DISABLED'] = 'true';
    clearConfigCache();
    const { handler, resetAuditFunction } = await import('../../../functions/audit.js');
    resetAuditFunction();
    const d = gcFailedDecision();
    const out = await (handler as (e: unknown, c: object) => Promise<{ result: string; key: string }>)(
      { version: '0', id: 'e1', 'detail-type': 'Remediation Decision', source: 'argo-finalizer-remediator', detail: d },
      {},
    );
    expect(out.result).toBe('written');
    const files = readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.json'));
    expect(files).toEqual([out.key]);
  });
});
