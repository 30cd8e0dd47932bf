import { describe, expect, it } from 'vitest';
import { isArgoVersion, processedReading, processedReadingReason } from '../../../src/domain/argo-version.js';

// Which controllers carry argo-workflows PR #16897 (strategiesProcessed marked only once the GC task and pod were
// created): main from v4.2, and the cherry-picks assumed first released in v4.0.11 and v4.1.3.
describe('processedReading: which controllers write strategiesProcessed only once GC was created (argo #16897)', () => {
  it.each([
    ['v3.7.18', 'attempted'],
    ['3.7.18', 'attempted'],
    ['v3.1.5', 'attempted'],
    ['v3.0.20', 'attempted'],
    ['v4.0.2', 'attempted'],
    ['v4.0.10', 'attempted'],
    ['v4.0.11', 'created'],
    ['v4.0.100', 'created'],
    ['v4.1.2', 'attempted'],
    ['v4.1.3', 'created'],
    ['v4.1.3-rc1', 'created'],
    ['v4.1.3+build.7', 'created'],
    ['v4.2.0', 'created'],
    ['v4.10.0', 'created'],
    ['v5.0.0', 'created'],
    ['v10.1.0', 'created'],
  ] as const)('%s reads strategiesProcessed as %s', (version, reading) => {
    expect(isArgoVersion(version)).toBe(true);
    expect(processedReading(version)).toBe(reading);
  });

  it.each([undefined, '', 'latest', 'v4.1', 'v4.1.3.4', 'xv4.1.3', 'v4.1.3x', 'version v4.1.3', 'v4.a.3'])(
    '%s is no release version: both readings apply',
    (version) => {
      if (version !== undefined) expect(isArgoVersion(version)).toBe(false);
      expect(processedReading(version)).toBe('unknown');
    },
  );

  it('says in the reasons which reading the cause was worded for, naming the configured version', () => {
    expect(processedReadingReason('v3.7.18')).toMatch(/^argoVersion v3\.7\.18 \(config\): .*"GC was attempted"/);
    expect(processedReadingReason('v4.1.3')).toMatch(/^argoVersion v4\.1\.3 \(config\): .*"GC task and pod were created"/);
    expect(processedReadingReason(undefined)).toMatch(/^no argoVersion in the config: .*both readings apply/);
  });
});
