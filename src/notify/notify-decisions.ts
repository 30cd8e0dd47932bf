import type { RemediatorEvent, SystemicAlert } from '../domain/alerts.js';
import type { Decision } from '../domain/decision.js';
import { DEFAULT_EPISODE_TTL_SECONDS, type EpisodeStore, episodeKey, systemicEpisodeKey } from './episodes.js';
import { type MessageOptions, groupForSlack, groupMessage, shouldNotify, systemicAlertMessage } from './messages.js';
import { SlackPermanentError, type SlackPoster } from './slack-client.js';
import type { SlackMessage } from './slack-message.js';

export type NotifyLog = (level: 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) => void;

export interface NotifyDeps extends MessageOptions {
  slack: SlackPoster;
  episodes: EpisodeStore;
  episodeTtlSeconds?: number;
  log?: NotifyLog;
}

export interface NotifyFailure {
  /** decisionId or alertId of everything the failed message carried. */
  ids: string[];
  error: Error;
}

export interface NotifyResult {
  /** Slack messages posted. */
  messages: number;
  /** ids announced by those messages. */
  notified: string[];
  /** ids whose episode was already announced (or is being announced right now). */
  alreadyNotified: string[];
  /** ids that do not go to Slack at all (wait, ignore, quiet removals). */
  notForSlack: string[];
  failures: NotifyFailure[];
}

/** Errors about one message's content; any other error (token revoked, rate limit) would hit every message. */
const MESSAGE_SPECIFIC = new Set(['invalid_blocks', 'invalid_blocks_format', 'invalid_payload', 'no_text']);

interface Unit<T> {
  items: T[];
  id: (t: T) => string;
  key: (t: T) => string;
  build: (claimed: T[]) => SlackMessage;
}

/**
 * Claims each item's episode, posts one message for the items it won, confirms on success and releases on
 * failure. A failure that is about the webhook rather than the message stops the rest of the invocation.
 */
async function deliver(units: Unit<unknown>[], deps: NotifyDeps, result: NotifyResult): Promise<void> {
  const ttl = deps.episodeTtlSeconds ?? DEFAULT_EPISODE_TTL_SECONDS;
  let stopped: Error | undefined;
  for (const unit of units) {
    const ids = unit.items.map(unit.id);
    if (stopped) {
      result.failures.push({ ids, error: stopped });
      continue;
    }
    const claimed: unknown[] = [];
    try {
      for (const item of unit.items) {
        if (await deps.episodes.claim(unit.key(item), ttl)) claimed.push(item);
        else result.alreadyNotified.push(unit.id(item));
      }
    } catch (err) {
      // The store is down: release what we hold and let the event be retried.
      await releaseAll(claimed.map(unit.key), deps);
      result.failures.push({ ids, error: asError(err) });
      continue;
    }
    if (claimed.length === 0) continue;
    const claimedIds = claimed.map(unit.id);
    try {
      await deps.slack.post(unit.build(claimed));
    } catch (err) {
      const error = asError(err);
      await releaseAll(claimed.map(unit.key), deps);
      result.failures.push({ ids: claimedIds, error });
      deps.log?.('error', 'slack post failed; episode claims released', { ids: claimedIds, error: error.message, errorName: error.name });
      if (!(error instanceof SlackPermanentError && MESSAGE_SPECIFIC.has(error.code))) stopped = error;
      continue;
    }
    result.messages++;
    result.notified.push(...claimedIds);
    // Slack has the message; if confirming fails the lease still holds it until it runs out.
    for (const item of claimed) {
      await deps.episodes.confirm(unit.key(item), ttl).catch((err: unknown) =>
        deps.log?.('warn', 'could not confirm episode; it stays claimed until its lease ends', { id: unit.id(item), error: asError(err).message }),
      );
    }
  }
}

async function releaseAll(keys: string[], deps: NotifyDeps): Promise<void> {
  for (const key of keys) {
    await deps.episodes.release(key).catch((err: unknown) =>
      deps.log?.('warn', 'could not release episode claim; a retry posts once its lease ends', { key, error: asError(err).message }),
    );
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function emptyResult(): NotifyResult {
  return { messages: 0, notified: [], alreadyNotified: [], notForSlack: [], failures: [] };
}

function decisionUnits(decisions: readonly Decision[], deps: NotifyDeps): Unit<Decision>[] {
  return groupForSlack(decisions).map((items) => ({
    items,
    id: (d) => d.decisionId,
    key: episodeKey,
    build: (claimed) => groupMessage(claimed, deps),
  }));
}

function alertUnits(alerts: readonly SystemicAlert[], deps: NotifyDeps): Unit<SystemicAlert>[] {
  return alerts.map((a) => ({ items: [a], id: (x) => x.alertId, key: systemicEpisodeKey, build: ([x]) => systemicAlertMessage(x ?? a, deps) }));
}

/**
 * The notify use case, callable without Lambda: one Slack message per (cluster, cause) for the decisions that
 * warrant one, each stuck episode announced once. Never throws for a Slack failure: failures are returned so
 * the caller decides what to retry.
 */
export async function notifyDecisions(decisions: readonly Decision[], deps: NotifyDeps): Promise<NotifyResult> {
  return notifyEvents(decisions.map((detail) => ({ kind: 'decision', detail })), deps);
}

export async function notifySystemicAlerts(alerts: readonly SystemicAlert[], deps: NotifyDeps): Promise<NotifyResult> {
  return notifyEvents(alerts.map((detail) => ({ kind: 'systemic-alert', detail })), deps);
}

/** Systemic alerts first: when the sweep pages, that message matters more than any single Workflow. */
export async function notifyEvents(events: readonly RemediatorEvent[], deps: NotifyDeps): Promise<NotifyResult> {
  const result = emptyResult();
  const decisions: Decision[] = [];
  const alerts: SystemicAlert[] = [];
  for (const e of events) {
    if (e.kind === 'decision') {
      if (shouldNotify(e.detail)) decisions.push(e.detail);
      else result.notForSlack.push(e.detail.decisionId);
    } else if (e.kind === 'systemic-alert') alerts.push(e.detail);
    // Rejected signals are audited, not announced: the DLQ alarm covers a flood of them.
  }
  await deliver([...alertUnits(alerts, deps), ...decisionUnits(decisions, deps)] as Unit<unknown>[], deps, result);
  return result;
}
