import { randomUUID } from 'node:crypto';
import { link, mkdir, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathSegment } from '../audit/key.js';
import { redact } from '../observability/redact.js';
import type { BeforeDestructive, FinishingIntent } from './ports.js';

/**
 * The CLI's and the demo's BeforeDestructive: the intent record (what is about to be done, the assessment and
 * the snapshot as read, redacted) written once under `<dir>/intent/...` before the action, with the same
 * write-once link() as the file audit sink. A second write of the same decision is a success that changes
 * nothing, so a re-run after a failure proceeds on the record the first run left.
 */
export class FolderIntentGuard implements BeforeDestructive {
  constructor(readonly rootDir: string, private readonly clock: () => Date = () => new Date()) {}

  async record(intent: FinishingIntent): Promise<{ intentKey: string }> {
    const w = intent.workflow;
    const key = [
      'intent',
      `cluster=${pathSegment(intent.cluster)}`,
      `date=${this.clock().toISOString().slice(0, 10)}`,
      pathSegment(w.namespace),
      pathSegment(w.name),
      pathSegment(w.uid),
      `${pathSegment(intent.decisionId)}.${pathSegment(intent.action)}.intent.json`,
    ].join('/');
    const target = join(this.rootDir, ...key.split('/'));
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.${randomUUID()}.tmp`;
    await writeFile(temp, JSON.stringify(redact({ ...intent, at: this.clock().toISOString() }), null, 2) + '\n', { flag: 'wx' });
    try {
      await link(temp, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
    return { intentKey: key };
  }
}
