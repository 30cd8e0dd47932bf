import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { isNotFound, putJsonOnce } from '../audit/s3-conditional.js';
import type { ButtonClaim } from '../domain/approval.js';
import { type ApprovalOutcome, type ApprovalStore, ApprovalOutcome as OutcomeSchema, StoredApproval, approvalKey, approvalPrefix, outcomeKey } from './store.js';

/** Approvals in the audit bucket under `approvals/`, each written with `If-None-Match: *`. */
export class S3ApprovalStore implements ApprovalStore {
  constructor(private readonly o: { client: S3Client; bucket: string; kmsKeyId?: string | undefined }) {}

  put(approval: StoredApproval): Promise<'written' | 'duplicate'> {
    return putJsonOnce(this.o.client, { bucket: this.o.bucket, key: approvalKey(approval), body: JSON.stringify(approval), kmsKeyId: this.o.kmsKeyId });
  }

  async list(claim: ButtonClaim): Promise<StoredApproval[]> {
    const prefix = `${approvalPrefix(claim)}by/`;
    const out: StoredApproval[] = [];
    let token: string | undefined;
    // A handful of approvers at most; the page bound only stops a runaway listing.
    for (let page = 0; page < 10; page++) {
      const res = await this.o.client.send(new ListObjectsV2Command({ Bucket: this.o.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const obj of res.Contents ?? []) {
        const text = await this.read(obj.Key!);
        const parsed = text === undefined ? undefined : StoredApproval.safeParse(JSON.parse(text));
        if (parsed?.success) out.push(parsed.data);
      }
      if (!res.IsTruncated) break;
      token = res.NextContinuationToken;
    }
    return out;
  }

  putOutcome(outcome: ApprovalOutcome): Promise<'written' | 'duplicate'> {
    return putJsonOnce(this.o.client, { bucket: this.o.bucket, key: outcomeKey(outcome.claim), body: JSON.stringify(outcome), kmsKeyId: this.o.kmsKeyId });
  }

  async getOutcome(claim: ButtonClaim): Promise<ApprovalOutcome | undefined> {
    const text = await this.read(outcomeKey(claim));
    return text === undefined ? undefined : OutcomeSchema.parse(JSON.parse(text));
  }

  private async read(key: string): Promise<string | undefined> {
    try {
      const res = await this.o.client.send(new GetObjectCommand({ Bucket: this.o.bucket, Key: key }));
      return (await res.Body?.transformToString()) ?? '';
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }
}
