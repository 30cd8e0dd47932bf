import type { S3Objects } from '../aws/s3-objects.js';
import { putJsonOnce } from '../audit/s3-conditional.js';
import type { ButtonClaim } from '../domain/approval.js';
import { type ApprovalOutcome, type ApprovalStore, ApprovalOutcome as OutcomeSchema, StoredApproval, approvalKey, approvalPrefix, outcomeKey } from './store.js';

/**
 * Approvals in the audit bucket under `approvals/`, each written with `If-None-Match: *`. `objects` is the SDK's
 * client (evaluate) or interact's signed HTTP (src/aws-http).
 */
export class S3ApprovalStore implements ApprovalStore {
  constructor(private readonly o: { objects: S3Objects; bucket: string; kmsKeyId?: string | undefined }) {}

  put(approval: StoredApproval): Promise<'written' | 'duplicate'> {
    return putJsonOnce(this.o.objects, { bucket: this.o.bucket, key: approvalKey(approval), body: JSON.stringify(approval), kmsKeyId: this.o.kmsKeyId });
  }

  async list(claim: ButtonClaim): Promise<StoredApproval[]> {
    const prefix = `${approvalPrefix(claim)}by/`;
    const out: StoredApproval[] = [];
    let token: string | undefined;
    // A handful of approvers at most; the page bound only stops a runaway listing.
    for (let page = 0; page < 10; page++) {
      const res = await this.o.objects.listKeys(this.o.bucket, prefix, token);
      for (const key of res.keys) {
        const text = await this.o.objects.getText(this.o.bucket, key);
        const parsed = text === undefined ? undefined : StoredApproval.safeParse(JSON.parse(text));
        if (parsed?.success) out.push(parsed.data);
      }
      if (!res.next) break;
      token = res.next;
    }
    return out;
  }

  putOutcome(outcome: ApprovalOutcome): Promise<'written' | 'duplicate'> {
    return putJsonOnce(this.o.objects, { bucket: this.o.bucket, key: outcomeKey(outcome.claim), body: JSON.stringify(outcome), kmsKeyId: this.o.kmsKeyId });
  }

  async getOutcome(claim: ButtonClaim): Promise<ApprovalOutcome | undefined> {
    const text = await this.o.objects.getText(this.o.bucket, outcomeKey(claim));
    return text === undefined ? undefined : OutcomeSchema.parse(JSON.parse(text));
  }
}
