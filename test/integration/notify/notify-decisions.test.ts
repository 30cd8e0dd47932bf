import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearRegisteredSecrets } from '../../../src/observability/redact.js';
import { MemoryEpisodeStore } from '../../../src/notify/episodes.js';
import { FileEpisodeStore } from '../../../src/notify/episodes-file.js';
import { type NotifyDeps, notifyDecisions, notifySystemicAlerts } from '../../../src/notify/notify-decisions.js';
import { SlackPermanentError, SlackWebhookClient } from '../../../src/notify/slack-client.js';
import { type SlackMessage, checkSlackLimits } from '../../../src/notify/slack-message.js';
import { type SlackReceiver, replies, startSlackReceiver } from '../../helpers/slack-receiver.js';
import { fakeTime } from '../../unit/notify/fake-time.js';
import {
  forceRemovalDecision,
  gcFailedDecision,
  gcPodStuckDecision,
  noPendingRemovalDecision,
  systemicAlert,
  variants,
} from '../../unit/notify/fixtures.js';

// The notify use case end to end over real HTTP: grouping, episode dedup, claim release, payload limits.

let slack: SlackReceiver;
let dir: string;
let t: ReturnType<typeof fakeTime>;
beforeEach(async () => {
  t = fakeTime();
  slack = await startSlackReceiver({ now: t.clock });
  dir = await mkdtemp(join(tmpdir(), 'afr-notify-'));
});
afterEach(async () => {
  await slack.close();
  await rm(dir, { recursive: true, force: true });
  clearRegisteredSecrets();
});

function deps(over: Partial<NotifyDeps> = {}): NotifyDeps {
  return {
    slack: new SlackWebhookClient({ url: slack.url, clock: t.clock, sleep: t.sleep }),
    episodes: new MemoryEpisodeStore(t.clock),
    argoUiUrl: 'https://argo.example.com',
    ...over,
  };
}
const received = () => slack.posts.filter((p) => p.reply.status === 200).map((p) => p.json as SlackMessage);

describe('notifyDecisions', () => {
  it('sends one digest per (cluster, cause): 10 decisions with 2 causes make 2 messages', async () => {
    const failed = variants(gcFailedDecision, 6);
    const stuck = variants(gcPodStuckDecision, 4);
    const r = await notifyDecisions([...failed.slice(0, 3), ...stuck, ...failed.slice(3)], deps());
    expect(r.messages).toBe(2);
    expect(r.notified).toHaveLength(10);
    const [first, second] = received();
    expect(first!.text).toBe('[prod-eu-1] 6 Argo Workflows: Artifact GC failed');
    expect(second!.text).toBe('[prod-eu-1] 4 Argo Workflows: Artifact GC pod never finishes');
    for (const d of failed) expect(JSON.stringify(first)).toContain(`data/${d.workflow.name}>`);
    for (const m of received()) expect(checkSlackLimits(m)).toEqual([]);
  });

  it('announces each episode once across retries and overlapping sweeps (second call: 0 posts)', async () => {
    const ds = [gcFailedDecision(), gcPodStuckDecision(), forceRemovalDecision()];
    const d = deps({ episodes: new FileEpisodeStore(dir, t.clock) });
    const first = await notifyDecisions(ds, d);
    expect(first.messages).toBe(3);
    const again = await notifyDecisions(ds, d);
    expect(again.messages).toBe(0);
    expect(again.alreadyNotified.sort()).toEqual(ds.map((x) => x.decisionId).sort());
    // A later sweep sees the same stuck Workflow at a new resourceVersion: same episode, still silent.
    const later = await notifyDecisions([gcFailedDecision({ resourceVersion: '88239999', decisionId: 'f'.repeat(32) })], d);
    expect(later.messages).toBe(0);
    expect(slack.posts).toHaveLength(3);
    expect(await readdir(join(dir, 'notified', 'prod-eu-1'))).toHaveLength(2);
  });

  it('releases the claim when Slack refuses, so the retry posts', async () => {
    const store = new MemoryEpisodeStore(t.clock);
    slack.script(replies.invalidToken());
    const failed = await notifyDecisions([gcFailedDecision()], deps({ episodes: store }));
    expect(failed.messages).toBe(0);
    expect(failed.failures).toHaveLength(1);
    expect(failed.failures[0]!.error).toBeInstanceOf(SlackPermanentError);
    expect(store.markers.size).toBe(0);

    const retried = await notifyDecisions([gcFailedDecision()], deps({ episodes: store }));
    expect(retried.messages).toBe(1);
    expect([...store.markers.values()].map((m) => m.state)).toEqual(['posted']);
  });

  it('stops posting after a webhook-level failure, and keeps going after a message-level one', async () => {
    const ds = [gcFailedDecision(), gcPodStuckDecision(), forceRemovalDecision()];
    slack.script(replies.channelNotFound());
    const r = await notifyDecisions(ds, deps());
    expect(slack.posts).toHaveLength(1);
    expect(r.failures.flatMap((f) => f.ids)).toHaveLength(3);

    slack.posts.length = 0;
    slack.script(replies.invalidBlocks());
    const r2 = await notifyDecisions(ds, deps());
    expect(slack.posts).toHaveLength(3);
    expect(r2.messages).toBe(2);
    expect(r2.failures).toHaveLength(1);
  });

  it('says nothing about wait, ignore or quiet removals; tells the operator about forced removals', async () => {
    const r = await notifyDecisions(
      [
        noPendingRemovalDecision(),
        gcPodStuckDecision({ verdict: 'wait', cause: 'gc-running', action: 'none' }),
        gcPodStuckDecision({ verdict: 'ignore', cause: 'awaiting-deletion', action: 'none' }),
        forceRemovalDecision(),
      ],
      deps(),
    );
    expect(r.notForSlack).toHaveLength(3);
    expect(r.messages).toBe(1);
    const text = JSON.stringify(received()[0]);
    expect(text).toContain('Orphaned artifacts');
    expect(text).toContain('s3://batch-out/exports/');
  });

  it('every payload Slack receives passes checkSlackLimits, with 500 pending artifacts and a 200-Workflow digest', async () => {
    const big = gcFailedDecision();
    big.pendingArtifacts = Array.from({ length: 500 }, (_, i) => ({ node: `n-${i}`, name: `a-${i}`, strategy: 'OnWorkflowDeletion' as const, location: `s3://b/k/${i}/${'x'.repeat(60)}` }));
    await notifyDecisions([big], deps());
    await notifyDecisions(variants(gcPodStuckDecision, 200), deps());
    await notifySystemicAlerts([systemicAlert()], deps());
    expect(received()).toHaveLength(3);
    for (const m of received()) expect(checkSlackLimits(m)).toEqual([]);
    expect(received()[1]!.text).toBe('[prod-eu-1] 200 Argo Workflows: Artifact GC pod never finishes');
  });

  it('pages once per systemic alert', async () => {
    const d = deps();
    expect((await notifySystemicAlerts([systemicAlert()], d)).messages).toBe(1);
    expect((await notifySystemicAlerts([systemicAlert()], d)).messages).toBe(0);
    expect(received()[0]!.text).toContain('Systemic: 412 stuck Workflows');
  });
});
