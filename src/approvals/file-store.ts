import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileOnce } from '../audit/file-sink.js';
import type { ButtonClaim } from '../domain/approval.js';
import { type ApprovalOutcome, type ApprovalStore, ApprovalOutcome as OutcomeSchema, StoredApproval, approvalKey, approvalPrefix, outcomeKey } from './store.js';

/** The same layout under a folder, for the demo and local runs. */
export class FileApprovalStore implements ApprovalStore {
  constructor(readonly rootDir: string) {}

  private pathOf(key: string): string {
    return join(this.rootDir, ...key.split('/'));
  }

  put(approval: StoredApproval): Promise<'written' | 'duplicate'> {
    return writeFileOnce(this.pathOf(approvalKey(approval)), JSON.stringify(approval, null, 2) + '\n');
  }

  async list(claim: ButtonClaim): Promise<StoredApproval[]> {
    const dir = this.pathOf(`${approvalPrefix(claim)}by`);
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: StoredApproval[] = [];
    for (const name of names.sort()) {
      const parsed = StoredApproval.safeParse(JSON.parse(await readFile(join(dir, name), 'utf8')));
      if (parsed.success) out.push(parsed.data);
    }
    return out;
  }

  putOutcome(outcome: ApprovalOutcome): Promise<'written' | 'duplicate'> {
    return writeFileOnce(this.pathOf(outcomeKey(outcome.claim)), JSON.stringify(outcome, null, 2) + '\n');
  }

  async getOutcome(claim: ButtonClaim): Promise<ApprovalOutcome | undefined> {
    try {
      return OutcomeSchema.parse(JSON.parse(await readFile(this.pathOf(outcomeKey(claim)), 'utf8')));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }
}
