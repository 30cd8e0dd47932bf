// Every temporary file the suite makes, ours or a tool's (osls, esbuild, the demo, tsx), goes under one
// folder that is removed when the run ends, so no test run leaves anything in the machine's temp dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'afr-test-run-'));
  const previous = process.env['TMPDIR'];
  process.env['TMPDIR'] = dir;
  return () => {
    if (previous === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = previous;
    rmSync(dir, { recursive: true, force: true });
  };
}
