import type { ApprovalOffer } from '../approvals/offer.js';
import { ACTION_LABELS, type ApprovalAction, DESTRUCTIVE_ACTIONS, offeredActions, pendingDigest } from '../domain/approval.js';
import { signButtonValue } from '../domain/button-value.js';
import { ARTIFACT_GC_FINALIZER } from '../domain/assessment.js';
import type { Decision } from '../domain/decision.js';
import { clip } from './mrkdwn.js';
import type { Block, Button, Confirm, PlainText } from './slack-message.js';

/**
 * Approval buttons for a notify (README "Approvals from Slack"). Only when a Slack app is configured: its key signs each value,
 * its TTL sets the expiry. Without one, messages stay exactly as they were.
 */
export interface ButtonSettings {
  /** Current key first; it signs. */
  keys: readonly string[];
  ttlMs: number;
  /**
   * What a click may do for this decision: `approvalOffer` (src/approvals/offer.ts) over the configuration, the
   * same function evaluate judges each approval by. `whole` is false when the event's pending list was trimmed.
   */
  offer: (d: Decision, whole: boolean) => ApprovalOffer;
  now?: () => number;
}

const plain = (text: string, max: number): PlainText => ({ type: 'plain_text', text: clip(text, max), emoji: true });

function buckets(d: Decision): string {
  const where = [...new Set(d.pendingArtifacts.map((a) => a.location?.replace(/^(\w+:\/\/[^/]+).*$/, '$1')).filter((x): x is string => !!x))];
  return where.length === 0 ? '' : ` in ${where.slice(0, 2).join(', ')}${where.length > 2 ? ` and ${where.length - 2} more` : ''}`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "3 objects and everything under 1 prefix in s3://b/p/": exactly what an approved completion deletes. */
function completionText(offer: ApprovalOffer, wf: string): string {
  const c = offer.complete;
  if (!c) return `Deletes the pending artifacts of ${wf} from AWS`;
  const what = [c.objects > 0 ? plural(c.objects, 'object') : '', c.prefixes > 0 ? `everything under ${plural(c.prefixes, 'prefix', 'prefixes')}` : ''].filter(Boolean).join(' and ');
  const where = c.where.length === 0 ? '' : ` in ${c.where.slice(0, 2).join(', ')}${c.where.length > 2 ? ` and ${c.where.length - 2} more` : ''}`;
  const never = c.neverUploaded > 0 ? ` (${plural(c.neverUploaded, 'artifact')} never uploaded: nothing to delete)` : '';
  return `Deletes ${what}${where} for ${wf}${never}`;
}

/** The dialog names exactly what the click will do, on which Workflow, and what it leaves behind. */
function confirmFor(act: ApprovalAction, d: Decision, offer: ApprovalOffer): Confirm | undefined {
  if (!DESTRUCTIVE_ACTIONS.has(act)) return undefined;
  const wf = `${d.workflow.namespace}/${d.workflow.name}`;
  const n = d.pendingArtifacts.length;
  const attempt = offer.rearm ? ` (attempt ${offer.rearm.attempt} of ${offer.rearm.maxAttempts})` : '';
  const text =
    act === 'remove'
      ? `Removes only ${ARTIFACT_GC_FINALIZER} from ${wf}. ${n > 0 ? `Orphans ${n} artifact(s)${buckets(d)}: nothing will delete them.` : 'Nothing is pending.'} Done only if the Workflow is unchanged.`
      : act === 'complete'
        ? `${completionText(offer, wf)}, checks each is gone, then lets the finalizer go. Never deletes an object version. Done only if the Workflow is unchanged.`
        : `Deletes the GC tasks of ${wf} and clears its GC status so Argo re-runs GC for ${plural(n, 'artifact')}${attempt}. Done only if the Workflow is unchanged.`;
  return {
    title: plain(`${ACTION_LABELS[act]}?`, 100),
    text: plain(text, 300),
    confirm: plain(act === 'remove' ? 'Remove finalizer' : ACTION_LABELS[act], 30),
    deny: plain('Cancel', 30),
    style: act === 'remove' ? 'danger' : 'primary',
  };
}

function label(act: ApprovalAction, d: Decision): string {
  if (act === 'remove' && d.pendingArtifacts.length > 0) return `${ACTION_LABELS.remove} (orphans ${d.pendingArtifacts.length})`;
  return ACTION_LABELS[act];
}

/**
 * The actions block for one decision, or undefined when nothing may be offered (not a notify, no uid, a decision
 * built before digests were carried, or the policy allows nothing).
 */
export function actionButtons(d: Decision, s: ButtonSettings): Extract<Block, { type: 'actions' }> | undefined {
  if (!d.workflow.uid || !d.pendingDigest || s.keys.length === 0 || d.verdict !== 'notify') return undefined;
  const offer = s.offer(d, pendingDigest(d.pendingArtifacts) === d.pendingDigest);
  const offered = offeredActions(d, offer);
  if (offered.length === 0) return undefined;
  const exp = Math.floor(((s.now ?? Date.now)() + s.ttlMs) / 1000);
  const elements: Button[] = offered.map((act) => {
    const value = signButtonValue(
      { v: 1, c: d.cluster, ns: d.workflow.namespace, n: d.workflow.name, uid: d.workflow.uid!, cause: d.cause, pend: d.pendingDigest!, pc: d.pendingArtifacts.length, act, exp, d: d.decisionId },
      s.keys,
    );
    const confirm = confirmFor(act, d, offer);
    const style = act === 'remove' ? 'danger' : act === 'rearm' || act === 'complete' ? 'primary' : undefined;
    return { type: 'button', text: plain(label(act, d), 75), action_id: `afr.${act}`, value, ...(style ? { style } : {}), ...(confirm ? { confirm } : {}) };
  });
  return { type: 'actions', block_id: `afr:${d.decisionId}`.slice(0, 255), elements };
}
