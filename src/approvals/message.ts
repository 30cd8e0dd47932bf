import * as z from 'zod';
import { Approver } from '../domain/approval.js';

/**
 * `afr.approval/v1` on the signals queue: interact's hand-over to evaluate. It carries the signed button value
 * (evaluate checks it again, so a message forged onto the queue cannot approve anything), the approvers, and the
 * response_url that updates the original message. The response_url is a secret: evaluate registers it with the
 * redactor on receipt and it is never logged, audited or stored.
 */
export const APPROVAL_KIND = 'afr.approval/v1';

export const ApprovalMessage = z.strictObject({
  kind: z.literal(APPROVAL_KIND),
  value: z.string().min(1).max(2000),
  approvers: z.array(Approver).min(1).max(10),
  responseUrl: z.url({ protocol: /^https?$/ }).optional(),
});
export type ApprovalMessage = z.infer<typeof ApprovalMessage>;

export function approvalMessageBody(m: Omit<ApprovalMessage, 'kind'>): string {
  return JSON.stringify({ kind: APPROVAL_KIND, ...m } satisfies ApprovalMessage);
}

/** The approval, when the body is one; undefined for any other body; throws (zod) for a broken one. */
export function asApprovalMessage(body: unknown): ApprovalMessage | undefined {
  let value = body;
  if (typeof body === 'string') {
    if (!body.includes(APPROVAL_KIND)) return undefined;
    try {
      value = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if ((value as { kind?: unknown } | null)?.kind !== APPROVAL_KIND) return undefined;
  return ApprovalMessage.parse(value);
}
