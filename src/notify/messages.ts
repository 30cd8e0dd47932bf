import { ARTIFACT_GC_FINALIZER, type Cause, type PendingArtifact, type SuspectedDirectoryOrphan } from '../domain/assessment.js';
import type { Decision } from '../domain/decision.js';
import type { SystemicAlert } from '../domain/alerts.js';
import { explainCause, inspectCommands, narrowPatchCommand } from '../domain/explain.js';
import { actionButtons, type ButtonSettings } from './buttons.js';
import { clip, code, codeBlock, esc, fitLines, link } from './mrkdwn.js';
import { type Block, type Mrkdwn, type SlackMessage, SLACK_LIMITS, checkSlackLimits } from './slack-message.js';

export interface MessageOptions {
  /**
   * Base URL of the Argo UI, e.g. https://argo.example.com, or one per cluster; adds a link to each Workflow.
   */
  argoUiUrl?: string | ((cluster: string) => string | undefined) | undefined;
  /** Approval buttons, when a Slack app is configured; without it messages carry none. */
  buttons?: ButtonSettings | undefined;
  /** The audit bucket holding evidence bundles, and its region (a console link needs it). */
  evidenceBucket?: string | undefined;
  region?: string | undefined;
}

/** The S3 console page of a bundle's folder. */
export function evidenceConsoleUrl(bucket: string, region: string, key: string): string {
  return `https://s3.console.aws.amazon.com/s3/buckets/${encodeURIComponent(bucket)}?region=${encodeURIComponent(region)}&prefix=${encodeURIComponent(key)}&showversions=false`;
}

/**
 * Where the evidence bundle of a removal is: its S3 key (a console link when the region is known). Never any of
 * its contents: those stay in the bucket (README "Evidence bundle and intent record").
 */
function evidenceBlock(d: Decision, o: MessageOptions): Block[] {
  if (!d.evidenceKey) return [];
  const where = o.evidenceBucket ? `s3://${o.evidenceBucket}/${d.evidenceKey}` : d.evidenceKey;
  const open = o.evidenceBucket && o.region ? ` (${link(evidenceConsoleUrl(o.evidenceBucket, o.region, d.evidenceKey), 'open in the S3 console')})` : '';
  const sha = d.evidenceSha256 ? `\nmanifest sha256 ${code(d.evidenceSha256)}` : '';
  return [section(`*Evidence bundle* (written before the removal)\n${code(where)}${open}${sha}`)];
}

/** A digest shows buttons for at most this many Workflows (two blocks each), within Slack's 50 blocks. */
export const MAX_BUTTON_ROWS = 15;
/** And within this much of the message's total text (button labels and confirm dialogs count). */
const BUTTON_ROWS_BUDGET = 4500;

function uiBase(o: MessageOptions, cluster: string): string | undefined {
  return typeof o.argoUiUrl === 'function' ? o.argoUiUrl(cluster) : o.argoUiUrl;
}

/** Room for one list inside a section, leaving space for its heading line. */
const LIST_BUDGET = 2600;
/** A single cluster-supplied value (an error message, a location) never takes more than this. */
const VALUE_MAX = 300;

export function workflowUrl(argoUiUrl: string | undefined, namespace: string, name: string): string | undefined {
  if (!argoUiUrl) return undefined;
  return `${argoUiUrl.replace(/\/+$/, '')}/workflows/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

const md = (text: string): Mrkdwn => ({ type: 'mrkdwn', text });
const header = (text: string): Block => ({ type: 'header', text: { type: 'plain_text', text: clip(text, SLACK_LIMITS.headerText), emoji: true } });
const section = (text: string): Block => ({ type: 'section', text: md(text) });
const fields = (pairs: ReadonlyArray<readonly [string, string]>): Block => ({
  type: 'section',
  fields: pairs.slice(0, SLACK_LIMITS.sectionFields).map(([k, v]) => md(`*${k}*\n${v}`)),
});
const context = (text: string): Block => ({ type: 'context', elements: [md(clip(text, SLACK_LIMITS.contextText))] });

function workflowLabel(d: Pick<Decision, 'workflow' | 'cluster'>, o: MessageOptions): string {
  const { namespace, name } = d.workflow;
  return link(workflowUrl(uiBase(o, d.cluster), namespace, name), `${namespace}/${name}`);
}

function artifactLines(artifacts: readonly (PendingArtifact | SuspectedDirectoryOrphan)[]): string[] {
  return artifacts.map((a) => {
    const where =
      'neverUploaded' in a && a.neverUploaded ? ' (never uploaded: nothing to delete)'
      : a.location ? ` ${esc(clip(a.location, VALUE_MAX))}`
      : 'unresolved' in a && a.unresolved ? ` (location unknown: ${esc(clip(a.unresolved, VALUE_MAX))})`
      : ' (location unknown)';
    return `• ${code(clip(a.name, 120))} on ${code(clip(a.node, 120))}${where}`;
  });
}

/** The explanation worded for the cluster's Argo version, as the assessment recorded it. */
function explain(d: Pick<Decision, 'cause' | 'evidence'>) {
  return explainCause(d.cause, d.evidence.processedReading ?? 'unknown');
}

/** argo #14387: GC said these were deleted, yet a directory may be left under `key/`. */
function directoryOrphanSection(d: Decision): Block[] {
  const orphans = d.suspectedDirectoryOrphans ?? [];
  if (orphans.length === 0) return [];
  return [
    section(
      `*Suspected directory orphans (${orphans.length}): \`archive: none\` keys without a trailing \`/\`, reported deleted, may leave \`key/\` behind (argo #14387)*\n` +
        fitLines(artifactLines(orphans), LIST_BUDGET),
    ),
  ];
}

function evidenceLines(d: Decision): string[] {
  const e = d.evidence;
  // The phase is in the identity fields, and failure reasons repeat the structured evidence below: say each once.
  const repeats = /^(phase |condition ArtifactGCError|task \S+: |GC pod \S+ Failed$)/;
  const lines = d.reasons.filter((r) => !repeats.test(r)).map((r) => `• ${esc(clip(r, VALUE_MAX))}`);
  for (const p of e.pods) {
    const extra = [p.strategy, p.recouped ? 'recouped' : 'not recouped', p.reason].filter(Boolean).join(', ');
    lines.push(`• GC pod ${code(p.name)}: *${esc(p.phase)}* (${esc(clip(extra, VALUE_MAX))})`);
  }
  for (const c of e.conditions) lines.push(`• Condition: ${esc(clip(c, VALUE_MAX))}`);
  for (const t of e.tasks) {
    for (const err of t.errors) {
      lines.push(`• Task ${code(t.name)} ${code(`${err.node}/${err.artifact}`)}: ${esc(clip(err.error, VALUE_MAX))}`);
    }
  }
  return lines;
}

/** What a finishing action did (README "Finishing GC"): the action, its result, and each object or task it touched. */
function finishingSection(d: Decision): Block[] {
  const f = d.finishing;
  if (!f) return [];
  const lines = [`${code(f.action)}: ${esc(clip(f.outcome, VALUE_MAX))}`];
  if (f.rearm) lines.push(`• re-arm attempt ${f.rearm.attempt}; ${f.rearm.tasksDeleted.length} GC task(s) deleted${f.rearm.tasksDeleted.length ? `: ${f.rearm.tasksDeleted.map((t) => code(t)).join(', ')}` : ''}`);
  for (const o of f.deleted ?? []) lines.push(`• deleted ${code(`s3://${o.bucket}/${o.key}`)} (${o.size} B${o.etag ? `, ETag ${esc(o.etag)}` : ''}${o.deleteMarkerVersionId ? `, delete marker ${code(o.deleteMarkerVersionId)}` : ''})`);
  if (f.deletedCount !== undefined && f.deletedCount > (f.deleted?.length ?? 0)) lines.push(`• …${f.deletedCount - (f.deleted?.length ?? 0)} more; ${f.deletedCount} objects, ${f.deletedBytes ?? 0} B in all`);
  for (const o of f.wouldDelete ?? []) lines.push(`• would delete ${code(`s3://${o.bucket}/${o.key}`)} (${o.size} B)`);
  for (const c of f.checks ?? []) lines.push(`• ${code(`${c.node}/${c.name}`)}: ${esc(c.result)}`);
  if (f.intentKey) lines.push(`• intent record ${code(f.intentKey)}`);
  return [section(`*Finishing GC*\n${fitLines(lines, LIST_BUDGET)}`)];
}

/** A finishing action in one digest line: the action, its outcome and what it touched, counted. */
function finishingSummary(d: Decision): string {
  const f = d.finishing;
  if (!f) return '';
  const parts: string[] = [];
  if (f.rearm) parts.push(`re-arm attempt ${f.rearm.attempt}, ${f.rearm.tasksDeleted.length} GC task(s) deleted`);
  const deleted = f.deletedCount ?? f.deleted?.length ?? 0;
  if (deleted > 0) parts.push(`${deleted} object(s), ${f.deletedBytes ?? (f.deleted ?? []).reduce((n, o) => n + o.size, 0)} B deleted`);
  if ((f.wouldDelete?.length ?? 0) > 0) parts.push(`would delete ${f.wouldDelete!.length} object(s)`);
  if ((f.checks?.length ?? 0) > 0) parts.push(`${f.checks!.filter((c) => c.result === 'absent' || c.result === 'never-uploaded').length} of ${f.checks!.length} checked absent`);
  return ` · finishing ${code(f.action)}: ${esc(clip(f.outcome, 120))}${parts.length > 0 ? ` (${parts.join('; ')})` : ''}`;
}

/** Room for the digest's list of what finishing touched: each object by key, size and ETag, each task deleted. */
const DIGEST_FINISHING_BUDGET = 1500;

/** The digest's "Finishing GC" section: every object deleted and GC task deleted, Workflow by Workflow, budgeted. */
function digestFinishingSection(ds: readonly Decision[], o: MessageOptions): Block[] {
  const lines = ds.flatMap((d) => {
    const f = d.finishing;
    if (!f) return [];
    const wf = workflowLabel(d, o);
    return [
      ...(f.rearm?.tasksDeleted ?? []).map((t) => `• ${wf}: GC task ${code(t)} deleted (re-arm attempt ${f.rearm!.attempt})`),
      ...(f.deleted ?? []).map((x) => `• ${wf}: deleted ${code(`s3://${x.bucket}/${x.key}`)} (${x.size} B${x.etag ? `, ETag ${esc(x.etag)}` : ''}${x.deleteMarkerVersionId ? `, delete marker ${code(x.deleteMarkerVersionId)}` : ''})`),
      ...(f.intentKey ? [`• ${wf}: intent record ${code(f.intentKey)}`] : []),
    ];
  });
  return lines.length === 0 ? [] : [section(`*Finishing GC*\n${fitLines(lines, DIGEST_FINISHING_BUDGET)}`)];
}

function decisionContext(d: Decision): Block {
  const api = d.apiStatus !== undefined ? ` · API ${d.apiStatus}` : '';
  return context(
    `decision ${code(d.decisionId)} · mode ${esc(d.mode)} · ${esc(d.action)}: ${esc(clip(d.outcome, VALUE_MAX))}${api} · ${esc(d.at)}`,
  );
}

function identityFields(d: Decision, o: MessageOptions): Block {
  const pairs: Array<readonly [string, string]> = [
    ['Cluster', code(d.cluster)],
    ['Workflow', workflowLabel(d, o)],
    ['Phase', esc(d.evidence.phase ?? 'unknown')],
    ['Cause', code(d.cause)],
  ];
  if (d.workflow.uid) pairs.push(['UID', code(d.workflow.uid)]);
  if (d.evidence.deletionTimestamp) pairs.push(['Deletion requested', esc(d.evidence.deletionTimestamp)]);
  return fields(pairs);
}

function patchSection(d: Decision, caption: string): Block[] {
  const cmd = narrowPatchCommand(d);
  return cmd ? [section(`*${caption}*\n${codeBlock(cmd)}`)] : [];
}

/** A Workflow the remediator will not touch by itself: what is wrong, the evidence, and what to do. */
export function notifyMessage(d: Decision, o: MessageOptions = {}): SlackMessage {
  const x = explain(d);
  const blocks: Block[] = [
    header(`:rotating_light: Stuck Argo Workflow: ${x.title}`),
    identityFields(d, o),
    section(`*What is wrong*\n${esc(x.why)}`),
  ];
  const evidence = evidenceLines(d);
  if (evidence.length > 0) blocks.push(section(`*Evidence*\n${fitLines(evidence, LIST_BUDGET)}`));
  if (d.pendingArtifacts.length > 0) {
    blocks.push(
      section(`*Artifacts still waiting for GC (${d.pendingArtifacts.length})*\n${fitLines(artifactLines(d.pendingArtifacts), LIST_BUDGET)}`),
    );
  }
  blocks.push(...directoryOrphanSection(d));
  blocks.push(section(`*Next step*\n${esc(x.nextStep)}`));
  const inspect = inspectCommands(d);
  if (inspect.length > 0) blocks.push(section(`*Look at the evidence*\n${codeBlock(inspect.join('\n'))}`));
  blocks.push(
    ...patchSection(
      d,
      d.pendingArtifacts.length > 0
        ? 'Last resort: remove only this finalizer (orphans the artifacts above; the GC pod and task are deleted with the Workflow)'
        : 'Remove only this finalizer',
    ),
  );
  blocks.push(...finishingSection(d));
  const buttons = o.buttons ? actionButtons(d, o.buttons) : undefined;
  if (buttons) blocks.push(buttons);
  blocks.push(decisionContext(d));
  return finish(`[${d.cluster}] Stuck Argo Workflow ${d.workflow.namespace}/${d.workflow.name}: ${x.title}`, blocks);
}

function finalizerIndexRemoved(d: Decision): string {
  const i = d.evidence.finalizers.indexOf(ARTIFACT_GC_FINALIZER);
  return i >= 0 ? ` (index ${i})` : '';
}

/**
 * Orphans are listed for forced removals; for GC that did succeed, or artifacts verified absent, they are listed
 * as gone, not orphaned. Never-uploaded artifacts are never orphans: they are counted apart.
 */
function artifactsAfterRemoval(d: Decision): Block[] {
  if (d.pendingArtifacts.length === 0) return [];
  const would = d.action !== 'removed';
  const uploaded = d.pendingArtifacts.filter((a) => !a.neverUploaded);
  const never = d.pendingArtifacts.length - uploaded.length;
  const neverLine = never > 0 ? [section(`*Never uploaded (${never})*: no key and no location, nothing was ever stored (argo #13161)`)] : [];
  if (uploaded.length === 0) return neverLine;
  const title =
    d.cause === 'gc-succeeded-unrecouped' ? `Artifacts the GC task reports as deleted (${uploaded.length})`
    : d.cause === 'artifacts-verified-absent' ? `Artifacts verified absent from their buckets (${uploaded.length})`
    : `Orphaned artifacts: ${would ? 'would be left' : 'left'} in storage, nothing in Argo will delete them (${uploaded.length})`;
  return [section(`*${title}*\n${fitLines(artifactLines(uploaded), LIST_BUDGET)}`), ...neverLine];
}

/** The remediator removed (or, in dry run, would remove) the finalizer and the operator should know. */
export function removalMessage(d: Decision, o: MessageOptions = {}): SlackMessage {
  const x = explain(d);
  // Not removed: a dry run (would-remove) or a notify-only namespace (notified), where a human decides.
  const would = d.action !== 'removed';
  const heading = d.action === 'notified' ? ':raising_hand: Safe to remove (notify-only)' : ':mag: Would remove (dry run)';
  const others = d.evidence.finalizers.filter((f) => f !== ARTIFACT_GC_FINALIZER);
  const what =
    `${would ? 'Would remove' : 'Removed'} ${code(ARTIFACT_GC_FINALIZER)}${finalizerIndexRemoved(d)} from ${workflowLabel(d, o)}` +
    (others.length > 0 ? `; other finalizers ${would ? 'would stay' : 'kept'}: ${others.map((f) => code(f)).join(', ')}` : '') +
    `.\n*Why*: ${esc(x.why)}`;
  const reasons = d.reasons.map((r) => `• ${esc(clip(r, VALUE_MAX))}`);
  const blocks: Block[] = [
    header(`${would ? heading : ':white_check_mark: Removed'} stuck finalizer: ${x.title}`),
    identityFields(d, o),
    section(what),
  ];
  if (reasons.length > 0) blocks.push(section(`*Reasons*\n${fitLines(reasons, LIST_BUDGET)}`));
  blocks.push(...artifactsAfterRemoval(d), ...directoryOrphanSection(d));
  blocks.push(section(`*Next step*\n${esc(x.nextStep)}`));
  if (would) blocks.push(...patchSection(d, 'To do it by hand now'));
  blocks.push(...evidenceBlock(d, o));
  blocks.push(...finishingSection(d));
  blocks.push(decisionContext(d));
  const verb = would ? 'Would remove' : 'Removed';
  return finish(`[${d.cluster}] ${verb} the artifact-GC finalizer of ${d.workflow.namespace}/${d.workflow.name}: ${x.title}`, blocks);
}

/** The sweep stopped instead of acting: one cause is probably behind all of them. */
export function systemicAlertMessage(a: SystemicAlert, o: MessageOptions = {}): SlackMessage {
  const byCause = new Map<Cause, number>();
  for (const s of a.sample) byCause.set(s.cause, (byCause.get(s.cause) ?? 0) + 1);
  const causeLines = [...byCause].map(([c, n]) => `• ${code(c)} ×${n}: ${esc(explainCause(c).title)}`);
  const sampleLines = a.sample.map(
    (s) => `• ${link(workflowUrl(uiBase(o, a.cluster), s.namespace, s.name), `${s.namespace}/${s.name}`)}: ${code(s.cause)}`,
  );
  const blocks: Block[] = [
    header(`:rotating_light: Systemic: ${a.found} stuck Workflows on ${a.cluster}, nothing removed`),
    section(
      `The sweep found *${a.found}* Workflows to act on, more than its cap of *${a.cap}*, and acted on none. So many at ` +
        'once usually share one cause; removing finalizers one by one would hide it while buckets fill up.',
    ),
  ];
  if (causeLines.length > 0) blocks.push(section(`*Causes in the sample of ${a.sample.length}*\n${fitLines(causeLines, LIST_BUDGET)}`));
  if (sampleLines.length > 0) blocks.push(section(`*Sample*\n${fitLines(sampleLines, LIST_BUDGET)}`));
  blocks.push(
    section(
      '*Next step*\nCheck the workflow-controller: is it running and leader; does its instance ID match the ' +
        "Workflows' `workflows.argoproj.io/controller-instanceid` label; is `ARGO_ARTIFACT_GC_ENABLED` false; can GC " +
        'pods and the controller reach `workflowartifactgctasks` (RBAC) and the bucket. Once fixed, the next sweep ' +
        're-assesses every Workflow. To proceed anyway, raise the cap for this cluster.',
    ),
  );
  blocks.push(context(`alert ${code(a.alertId)} · cluster ${code(a.cluster)} · ${esc(a.at)}`));
  return finish(`[${a.cluster}] Systemic: ${a.found} stuck Workflows (cap ${a.cap}); the sweep removed nothing`, blocks);
}

/** Many Workflows with the same cluster and cause in one invocation: one message listing them. */
export function digestMessage(ds: readonly Decision[], o: MessageOptions = {}): SlackMessage {
  const first = ds[0];
  if (!first) throw new Error('digestMessage needs at least one decision');
  const x = explain(first);
  const counts = new Map<string, number>();
  for (const d of ds) counts.set(d.action, (counts.get(d.action) ?? 0) + 1);
  const pending = ds.reduce((n, d) => n + d.pendingArtifacts.length, 0);
  const lines = ds.map((d) => {
    const extra = d.pendingArtifacts.length > 0 ? `, ${d.pendingArtifacts.length} artifact(s)` : '';
    const bundle = !d.evidenceKey
      ? ''
      : o.evidenceBucket && o.region
        ? ` · ${link(evidenceConsoleUrl(o.evidenceBucket, o.region, d.evidenceKey), 'evidence')}`
        : ` · evidence ${code(o.evidenceBucket ? `s3://${o.evidenceBucket}/${d.evidenceKey}` : d.evidenceKey)}`;
    return `• ${workflowLabel(d, o)}: ${esc(d.action)}${extra}${finishingSummary(d)}${bundle}`;
  });
  const blocks: Block[] = [
    header(`${first.verdict === 'notify' ? ':rotating_light:' : ':information_source:'} ${ds.length} Argo Workflows on ${first.cluster}: ${x.title}`),
    fields([
      ['Cluster', code(first.cluster)],
      ['Cause', code(first.cause)],
      ['Actions', [...counts].map(([a, n]) => `${esc(a)} ×${n}`).join(', ')],
      ['Pending artifacts', String(pending)],
    ]),
    section(`*What is wrong*\n${esc(x.why)}`),
    section(`*Workflows (${ds.length})*\n${fitLines(lines, LIST_BUDGET)}`),
    ...digestFinishingSection(ds, o),
    section(`*Next step*\n${esc(x.nextStep)}`),
  ];
  const sample = ds.find((d) => narrowPatchCommand(d));
  if (sample && ds.some((d) => d.action !== 'removed')) {
    blocks.push(
      ...patchSection(sample, `Narrow patch for ${sample.workflow.namespace}/${sample.workflow.name} (the index and uid differ per Workflow)`),
    );
  }
  blocks.push(...digestButtons(ds, o));
  blocks.push(context(`${ds.length} decisions · first ${code(first.decisionId)} · ${esc(first.at)}`));
  return finish(`[${first.cluster}] ${ds.length} Argo Workflows: ${x.title}`, blocks);
}

/** One line naming the Workflow, then its buttons, for the first MAX_BUTTON_ROWS Workflows that have any. */
function digestButtons(ds: readonly Decision[], o: MessageOptions): Block[] {
  if (!o.buttons) return [];
  const rows = ds.flatMap((d) => {
    const b = actionButtons(d, o.buttons!);
    return b ? [[d, b] as const] : [];
  });
  const out: Block[] = [];
  let used = 0;
  let shown = 0;
  for (const [d, b] of rows.slice(0, MAX_BUTTON_ROWS)) {
    const label = section(`${workflowLabel(d, o)} · ${d.pendingArtifacts.length} artifact(s)`);
    const cost = (label.type === 'section' ? (label.text?.text.length ?? 0) : 0) + b.elements.reduce((n, e) => n + e.text.text.length + (e.confirm ? e.confirm.title.text.length + e.confirm.text.text.length + e.confirm.confirm.text.length + e.confirm.deny.text.length : 0), 0);
    if (used + cost > BUTTON_ROWS_BUDGET) break;
    used += cost;
    shown += 1;
    out.push(label, b);
  }
  if (rows.length > shown) out.push(context(`Buttons for the first ${shown} of ${rows.length} Workflows; the others are listed above without them`));
  return out;
}

/**
 * Which decisions reach Slack at all: a notify verdict that was notified; a removal a notify-only namespace
 * hands to a human instead (action notified); and a removal (done or dry run) the operator must hear about.
 * Never wait or ignore, never a quiet removal.
 */
export function shouldNotify(d: Decision): boolean {
  // Whatever the verdict after it, a finishing action that changed something is reported.
  if (d.finishing?.applied) return true;
  if (d.verdict === 'wait' || d.verdict === 'ignore') return false;
  if (d.action === 'notified') return true;
  if (d.verdict === 'notify') return false;
  return (d.action === 'removed' || d.action === 'would-remove') && d.notifyOperator;
}

/** One group per (cluster, cause), in first-seen order, each decision once (by decisionId). */
export function groupForSlack(ds: readonly Decision[]): Decision[][] {
  const groups = new Map<string, Map<string, Decision>>();
  for (const d of ds) {
    if (!shouldNotify(d)) continue;
    const key = `${d.cluster}\u0000${d.cause}`;
    const group = groups.get(key) ?? new Map<string, Decision>();
    if (!group.has(d.decisionId)) group.set(d.decisionId, d);
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => [...g.values()]);
}

/** The message for one group: the detailed form for a single Workflow, the digest for more. */
export function groupMessage(group: readonly Decision[], o: MessageOptions = {}): SlackMessage {
  const [only] = group;
  if (group.length === 1 && only) return only.verdict === 'notify' || (only.finishing && only.action === 'none') ? notifyMessage(only, o) : removalMessage(only, o);
  return digestMessage(group, o);
}

/**
 * Last line of defence: builders budget every list, but a future edit must not turn into a 400 in production.
 * Clips anything over a per-element limit, then shrinks the longest sections until the total fits.
 */
function finish(fallback: string, blocks: Block[]): SlackMessage {
  let msg: SlackMessage = { text: clip(esc(fallback), 300), blocks };
  if (checkSlackLimits(msg).length === 0) return msg;
  const L = SLACK_LIMITS;
  const bs = blocks.slice(0, L.blocks - 1).map((b): Block => {
    if (b.type === 'section') {
      return {
        type: 'section',
        ...(b.text ? { text: md(clip(b.text.text, L.sectionText)) } : {}),
        ...(b.fields ? { fields: b.fields.slice(0, L.sectionFields).map((f) => md(clip(f.text, L.fieldText))) } : {}),
      };
    }
    return b;
  });
  if (blocks.length > bs.length) bs.push(context(`${blocks.length - bs.length} more blocks left out`));
  for (let round = 0; round < 20; round++) {
    msg = { text: msg.text, blocks: bs };
    if (checkSlackLimits(msg).length === 0) break;
    const lengths = bs.map((b) => (b.type === 'section' ? (b.text?.text.length ?? 0) : 0));
    const longest = lengths.indexOf(Math.max(...lengths));
    const target = bs[longest];
    if (!target || target.type !== 'section' || !target.text || target.text.text.length < 200) break;
    bs[longest] = { ...target, text: md(clip(target.text.text, Math.floor(target.text.text.length / 2))) };
  }
  return msg;
}
