import { ACTION_LABELS, type ApprovalAction, DESTRUCTIVE_ACTIONS, offeredActions } from '../domain/approval.js';
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
  /** What the configuration lets a click do. */
  allowed: ReadonlySet<ApprovalAction>;
  /** Whether every pending artifact of this decision may be deleted from AWS (finishing.buckets). */
  completable?: (d: Decision) => boolean;
  now?: () => number;
}

const plain = (text: string, max: number): PlainText => ({ type: 'plain_text', text: clip(text, max), emoji: true });

function buckets(d: Decision): string {
  const where = [...new Set(d.pendingArtifacts.map((a) => a.location?.replace(/^(\w+:\/\/[^/]+).*$/, '$1')).filter((x): x is string => !!x))];
  return where.length === 0 ? '' : ` in ${where.slice(0, 2).join(', ')}${where.length > 2 ? ` and ${where.length - 2} more` : ''}`;
}

/** The dialog names exactly what the click will do, on which Workflow, and what it leaves behind. */
function confirmFor(act: ApprovalAction, d: Decision): Confirm | undefined {
  if (!DESTRUCTIVE_ACTIONS.has(act)) return undefined;
  const wf = `${d.workflow.namespace}/${d.workflow.name}`;
  const n = d.pendingArtifacts.length;
  const text =
    act === 'remove'
      ? `Removes only ${ARTIFACT_GC_FINALIZER} from ${wf}. ${n > 0 ? `Orphans ${n} artifact(s)${buckets(d)}: nothing will delete them.` : 'Nothing is pending.'} Done only if the Workflow is unchanged.`
      : act === 'complete'
        ? `Deletes ${n} object(s)${buckets(d)} for ${wf}, checks each is gone, then lets the finalizer go. Done only if the Workflow is unchanged.`
        : `Deletes the GC tasks of ${wf} and clears its GC status so Argo re-runs GC for ${n} artifact(s). Done only if the Workflow is unchanged.`;
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
  if (!d.workflow.uid || !d.pendingDigest || s.keys.length === 0) return undefined;
  const offered = offeredActions(d, { allowed: s.allowed, completable: s.completable?.(d) ?? false });
  if (offered.length === 0) return undefined;
  const exp = Math.floor(((s.now ?? Date.now)() + s.ttlMs) / 1000);
  const elements: Button[] = offered.map((act) => {
    const value = signButtonValue(
      { v: 1, c: d.cluster, ns: d.workflow.namespace, n: d.workflow.name, uid: d.workflow.uid!, cause: d.cause, pend: d.pendingDigest!, pc: d.pendingArtifacts.length, act, exp, d: d.decisionId },
      s.keys,
    );
    const confirm = confirmFor(act, d);
    const style = act === 'remove' ? 'danger' : act === 'rearm' || act === 'complete' ? 'primary' : undefined;
    return { type: 'button', text: plain(label(act, d), 75), action_id: `afr.${act}`, value, ...(style ? { style } : {}), ...(confirm ? { confirm } : {}) };
  });
  return { type: 'actions', block_id: `afr:${d.decisionId}`.slice(0, 255), elements };
}
