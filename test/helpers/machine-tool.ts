import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The executable `name` on PATH, if any. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface MachineTool {
  path: string | undefined;
  /** '' when the tool is there; otherwise " (skipped: ...)", to append to the skipped test's or suite's name. */
  skipNote: string;
}

/**
 * A tool some tests take from the machine (kubectl, cfn-lint). Missing, those tests are skipped and say why, in
 * their name and on the console. Where the tool is expected (`.ci/run` sets AFR_REQUIRE_TOOLS=kubectl,cfn-lint),
 * missing is an error instead: CI never passes by skipping.
 */
export function machineTool(name: string, neededFor: string): MachineTool {
  const path = findOnPath(name);
  if (path) return { path, skipNote: '' };
  const reason = `${name} is not on PATH: ${neededFor} skipped`;
  const required = (process.env['AFR_REQUIRE_TOOLS'] ?? '').split(',').map((t) => t.trim());
  if (required.includes(name)) throw new Error(`${reason}, but AFR_REQUIRE_TOOLS says it is expected here (install it, or unset AFR_REQUIRE_TOOLS)`);
  console.warn(`[skip] ${reason}`);
  return { path: undefined, skipNote: ` (skipped: ${name} is not on PATH)` };
}
