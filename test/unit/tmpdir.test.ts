import { tmpdir } from 'node:os';
import { basename } from 'node:path';
import { expect, it } from 'vitest';

it('runs with a temporary folder of its own, removed when the run ends (test/global-setup.ts)', () => {
  expect(basename(tmpdir())).toMatch(/^afr-test-run-/);
});
