import * as z from 'zod';
import { pathSegment } from '../audit/key.js';
import type { Decision } from '../domain/decision.js';
import type { SystemicAlert } from '../domain/alerts.js';
import { type Clock, systemClock } from './pacer.js';

/**
 * One Slack message per stuck episode (cluster, Workflow uid, cause), however many events, retries and sweeps
 * report it.
 *
 * Exactly-once is not on offer between a store and Slack; the tradeoff chosen:
 * - claim() before posting, confirm() after Slack said 200, release() when posting failed, so a retry posts.
 * - A claim is first a lease (`pending`, `leaseSeconds`): if the process dies between claim and post, the
 *   lease runs out and a later retry takes the episode over, so the message is delayed, not lost.
 * - If Slack accepted the message but the answer was lost (timeout), the claim is released and the retry posts
 *   again: a rare duplicate is preferred to a lost notification.
 * - A confirmed episode stays silent for `ttlSeconds`; after that a Workflow still stuck for the same cause is
 *   announced again, as a reminder.
 */
export interface EpisodeStore {
  /** True when the caller now owns the episode and should post; false when it was, or is being, notified. */
  claim(key: string, ttlSeconds: number): Promise<boolean>;
  /** Slack took the message: keep the episode silent until the TTL. */
  confirm(key: string, ttlSeconds: number): Promise<void>;
  /** Posting failed: give the episode back so a retry can post. */
  release(key: string): Promise<void>;
}

export const DEFAULT_EPISODE_TTL_SECONDS = 7 * 24 * 3600;
/** Longer than a Lambda can run (15 min), so a live invocation never loses its lease. */
export const DEFAULT_LEASE_SECONDS = 15 * 60;

export const EpisodeMarker = z.object({
  state: z.enum(['pending', 'posted']),
  claimedAt: z.string(),
  /** Epoch ms after which a `pending` claim is abandoned and may be taken over. */
  leaseUntil: z.number(),
  /** Epoch ms after which a `posted` episode may be announced again. */
  expiresAt: z.number(),
});
export type EpisodeMarker = z.infer<typeof EpisodeMarker>;

export function pendingMarker(now: number, ttlSeconds: number, leaseSeconds: number): EpisodeMarker {
  return { state: 'pending', claimedAt: new Date(now).toISOString(), leaseUntil: now + leaseSeconds * 1000, expiresAt: now + ttlSeconds * 1000 };
}

export function postedMarker(now: number, ttlSeconds: number): EpisodeMarker {
  return { state: 'posted', claimedAt: new Date(now).toISOString(), leaseUntil: now, expiresAt: now + ttlSeconds * 1000 };
}

/** Whether a marker still holds its episode; an unreadable marker is treated as abandoned. */
export function isLive(raw: unknown, now: number): boolean {
  const m = EpisodeMarker.safeParse(raw);
  if (!m.success) return false;
  return m.data.state === 'posted' ? m.data.expiresAt > now : m.data.leaseUntil > now;
}

/**
 * `notified/<cluster>/<uid>/<cause>.json`. Without a uid the namespace and name stand in, so two different
 * Workflows never share an episode. A removal that actually happened is its own episode
 * (`<cause>.removed.json`): a dry-run or notify-only message must not silence the one that says it was done.
 */
export function episodeKey(d: Pick<Decision, 'cluster' | 'workflow' | 'cause'> & Partial<Pick<Decision, 'action'>>): string {
  const id = d.workflow.uid ?? `nouid_${d.workflow.namespace}_${d.workflow.name}`;
  const suffix = d.action === 'removed' ? '.removed' : '';
  return `notified/${pathSegment(d.cluster)}/${pathSegment(id)}/${pathSegment(d.cause)}${suffix}.json`;
}

export function systemicEpisodeKey(a: Pick<SystemicAlert, 'cluster' | 'alertId'>): string {
  return `notified/${pathSegment(a.cluster)}/_systemic/${pathSegment(a.alertId)}.json`;
}

/** For tests and single-process runs. */
export class MemoryEpisodeStore implements EpisodeStore {
  readonly markers = new Map<string, EpisodeMarker>();

  constructor(
    private readonly clock: Clock = systemClock,
    private readonly leaseSeconds = DEFAULT_LEASE_SECONDS,
  ) {}

  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    const now = this.clock();
    if (isLive(this.markers.get(key), now)) return false;
    this.markers.set(key, pendingMarker(now, ttlSeconds, this.leaseSeconds));
    return true;
  }

  async confirm(key: string, ttlSeconds: number): Promise<void> {
    this.markers.set(key, postedMarker(this.clock(), ttlSeconds));
  }

  async release(key: string): Promise<void> {
    this.markers.delete(key);
  }
}
