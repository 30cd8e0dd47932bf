import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The kubectl on PATH, if any: the tests that drive the local API server with the real client need it. */
export function findKubectl(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'kubectl');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
