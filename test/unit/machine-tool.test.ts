// Tests that need a tool from the machine say why they are skipped, and fail instead where CI expects the tool.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { machineTool } from '../helpers/machine-tool.js';

describe('machineTool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'afr-tools-'));
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds an executable on PATH', () => {
    writeFileSync(join(dir, 'fake-tool'), '#!/bin/sh\n');
    chmodSync(join(dir, 'fake-tool'), 0o755);
    vi.stubEnv('PATH', dir);
    expect(machineTool('fake-tool', 'the fake tests')).toEqual({ path: join(dir, 'fake-tool'), skipNote: '' });
  });

  it('missing: says why on the console and in a note for the skipped test name', () => {
    vi.stubEnv('PATH', dir);
    vi.stubEnv('AFR_REQUIRE_TOOLS', '');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(machineTool('kubectl', 'the kubectl tests')).toEqual({ path: undefined, skipNote: ' (skipped: kubectl is not on PATH)' });
    expect(warn).toHaveBeenCalledWith('[skip] kubectl is not on PATH: the kubectl tests skipped');
  });

  it('missing where .ci/run expects it (AFR_REQUIRE_TOOLS): an error, never a skip', () => {
    vi.stubEnv('PATH', dir);
    vi.stubEnv('AFR_REQUIRE_TOOLS', 'kubectl,cfn-lint');
    expect(() => machineTool('cfn-lint', 'the template lint')).toThrow(/cfn-lint is not on PATH: the template lint skipped, but AFR_REQUIRE_TOOLS says it is expected here/);
  });
});
