// evaluate acting on afr.approval/v1 against the local API server: snooze and deny never write to the cluster,
// every condition of invariant 11 is checked again on the queue side, Slack is told through the response_url
// (or the channel once it expired), and the response_url never reaches a log line or an event.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.js';
import { approvalMessageBody } from '../../../src/approvals/message.js';
import { FileApprovalStore } from '../../../src/approvals/file-store.js';
import type { ApprovalSettings } from '../../../src/approvals/settings.js';
import type { BusEntry } from '../../../src/bus/entry.js';
import { parseConfig } from '../../../src/config/load.js';
import { gcPod, gcTask, workflow } from '../../../src/demo/builders.js';
import { type Approver, type ButtonClaim, pendingDigest } from '../../../src/domain/approval.js';
import { signButtonValue } from '../../../src/domain/button-value.js';
import { assessRaw } from '../../../src/domain/snapshot.js';
import type { ApprovalRuntime } from '../../../src/evaluate/approval.js';
import { evaluateBatch } from '../../../src/evaluate/evaluate-batch.js';
import { portFor } from '../../../src/kube/port-for.js';
import { type LocalApiServer, startApiServer } from '../../../src/local/apiserver/index.js';
import { MemoryEpisodeStore, episodeKey } from '../../../src/notify/episodes.js';
import { SlackWebhookClient } from '../../../src/notify/slack-client.js';
import type { Log } from '../../../src/observability/log.js';
import { clearRegisteredSecrets } from '../../../src/observability/redact.js';
import { type SlackReceiver, startSlackReceiver } from '../../helpers/slack-receiver.js';
import { tmpdir as osTmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { FolderEvidenceSink } from '../../../src/evidence/folder-sink.js';

// Evidence bundles and intent records before every removal (invariant 9), to a folder here.
const EVIDENCE = new FolderEvidenceSink(mkdtempSync(joinPath(osTmpdir(), 'afr-evidence-')));

const KEY = 'evaluate-approvals-button-key-0123456789abcdef';
const NOW = new Date();
const ALICE: Approver = { id: 'U0ALICE001', name: 'alice', at: NOW.toISOString() };
let server: LocalApiServer;
let responses: SlackReceiver;
let channel: SlackReceiver;
let store: FileApprovalStore;
const episodes = new MemoryEpisodeStore();
const published: BusEntry[] = [];
const logged: string[] = [];
const log: Log = Object.fromEntries(['debug', 'info', 'warn', 'error'].map((l) => [l, (m: string, e?: object) => void logged.push(`${m} ${JSON.stringify(e ?? {})}`)])) as unknown as Log;

const failed = (name: string, uid: string) => {
  const wf = workflow({ name, namespace: 'data', uid, now: NOW, finishedMinutesAgo: 300, deletionMinutesAgo: 240, strategy: 'OnWorkflowDeletion', bucket: 'b', artifacts: [{ name: 'report', key: `etl/${uid}/r.csv` }], strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'], podsRecouped: [`${name}-artgc-wfdel-1`], conditions: [{ type: 'ArtifactGCError', status: 'True', message: 'Access Denied' }] });
  return [wf, gcPod(wf, { strategy: 'wfdel', phase: 'Succeeded', now: NOW, createdMinutesAgo: 239, finishedMinutesAgo: 238 }), gcTask(wf, 'wfdel', { [name]: { report: { success: false, error: 'Access Denied' } } })];
};

let finishing: Record<string, unknown> = {};
const config = () =>
  parseConfig({ clusters: [{ name: 'prod', auth: { type: 'token', server: server.url, token: server.token, skipTLSVerify: true }, mode: 'remediate' }], finishing }, 'test');
const settings = (): ApprovalSettings => ({
  teamId: 'T0TEAM0001',
  appId: 'A0APP00001',
  approvers: new Set([ALICE.id]),
  twoPersonRules: [],
  ttlMs: 86_400_000,
  actions: new Set(['rearm', 'complete', 'remove', 'snooze', 'deny']),
  responseUrlOrigins: [new URL(responses.url).origin],
  signingSecrets: [],
  buttonKeys: [KEY],
});
const runtime = (over: Partial<ApprovalRuntime> = {}): ApprovalRuntime => ({
  settings: settings(),
  store,
  episodes,
  respond: (url, m) => new SlackWebhookClient({ url, maxAttempts: 1 }).post(m),
  webhook: new SlackWebhookClient({ url: channel.url, maxAttempts: 1 }),
  ...over,
});

/** The claim a notify would have signed for the live state of this Workflow. */
async function claimFor(name: string, act: ButtonClaim['act'], over: Partial<ButtonClaim> = {}): Promise<ButtonClaim> {
  const raw = (await portFor(config().clusters[0]!.auth).snapshot({ namespace: 'data', name }))!;
  const a = assessRaw(raw, { now: new Date(), quietPeriodMs: 30 * 60_000 });
  return { v: 1, c: 'prod', ns: 'data', n: name, uid: a.workflow.uid!, cause: a.cause, pend: pendingDigest(a.pendingArtifacts), pc: a.pendingArtifacts.length, act, exp: Math.floor(Date.now() / 1000) + 3600, d: `${name}-${act}`.padEnd(32, '0').slice(0, 32), ...over };
}

async function approve(claim: ButtonClaim, o: { rt?: ApprovalRuntime | undefined; rtError?: Error; approver?: Approver; responseUrl?: string; store?: boolean; value?: string } = {}) {
  const approver = o.approver ?? ALICE;
  if (o.store !== false) await store.put({ schemaVersion: 1, claim, approver, requestDigest: 'a'.repeat(64) });
  const body = approvalMessageBody({ value: o.value ?? signButtonValue(claim, [KEY]), approvers: [approver], responseUrl: o.responseUrl ?? responses.url });
  return evaluateBatch([{ id: `m-${claim.d}-${Math.random()}`, body }], {
    config: config(),
    portFor: (c) => portFor(config().clusters.find((x) => x.name === c)!.auth),
    publisher: { publish: async (e) => void published.push(...e) },
    evidence: EVIDENCE,
    queue: { send: async () => undefined },
    approvals: async () => {
      if (o.rtError) throw o.rtError;
      return 'rt' in o ? o.rt : runtime();
    },
    log,
  });
}

const writes = () => server.requests.filter((r) => r.method !== 'GET');

beforeAll(async () => {
  server = await startApiServer({ seed: ['wf-snooze', 'wf-deny', 'wf-expired', 'wf-unauth', 'wf-forged', 'wf-late', 'wf-origin', 'wf-none', 'wf-policy'].flatMap((n, i) => failed(n, `uid-${i}`)) });
  responses = await startSlackReceiver({ secretPath: '/actions/T0TEAM0001/1/evalRespUrlT0ken' });
  channel = await startSlackReceiver();
  store = new FileApprovalStore(mkdtempSync(join(tmpdir(), 'afr-eval-approvals-')));
});

afterAll(async () => {
  await server.close();
  await responses.close();
  await channel.close();
  clearRegisteredSecrets();
});

describe('evaluate acting on approvals', () => {
  it('snooze and deny silence the episode and write nothing to the cluster', async () => {
    const before = writes().length;
    for (const [name, act] of [['wf-snooze', 'snooze'], ['wf-deny', 'deny']] as const) {
      const claim = await claimFor(name, act);
      const report = await approve(claim);
      expect(report.approvals[0]).toMatchObject({ outcome: act === 'snooze' ? 'snoozed' : 'denied', code: 'ok' });
      const marker = episodes.markers.get(episodeKey({ cluster: 'prod', workflow: { namespace: 'data', name, uid: claim.uid }, cause: 'gc-failed' }))!;
      expect(marker.state).toBe('posted');
      expect(marker.expiresAt - Date.now()).toBeGreaterThan(act === 'snooze' ? 23 * 3600_000 : 6 * 86_400_000);
      // A redelivery does nothing more.
      expect((await approve(claim, { store: false })).approvals[0]).toMatchObject({ outcome: 'ignored', code: 'already-done' });
    }
    expect(writes().length).toBe(before);
    expect(published.filter((e) => e.detailType === 'Approval Outcome').map((e) => (e.detail as { outcome: string }).outcome)).toEqual(['snoozed', 'denied']);
    expect((responses.posts.at(-1)!.json as { text: string; replace_original: boolean })).toMatchObject({ replace_original: true, text: expect.stringContaining('Deny approved by alice') });
  });

  it('refuses a click made after the expiry, a user no longer on the list, and a value signed by someone else', async () => {
    const expired = await claimFor('wf-expired', 'remove', { exp: Math.floor(Date.now() / 1000) - 10 });
    expect((await approve(expired)).approvals[0]).toMatchObject({ outcome: 'not-done', code: 'expired' });
    const unauth = await claimFor('wf-unauth', 'remove');
    expect((await approve(unauth, { rt: runtime({ settings: { ...settings(), approvers: new Set(['U0SOMEONE1']) } }) })).approvals[0]).toMatchObject({ outcome: 'not-done', code: 'unauthorised' });
    const forged = await claimFor('wf-forged', 'remove');
    const posts = responses.posts.length;
    expect((await approve(forged, { value: signButtonValue(forged, ['f'.repeat(48)]) })).approvals[0]).toMatchObject({ outcome: 'refused', code: 'invalid-signature' });
    // Nothing is said on the response_url of a message that did not come from our buttons.
    expect(responses.posts.length).toBe(posts);
    expect(writes().filter((r) => r.method === 'PATCH')).toEqual([]);
  });

  it('posts a new line to the channel once the response_url has expired, and never to a foreign origin', async () => {
    const late = await claimFor('wf-late', 'snooze');
    const old = { ...ALICE, at: new Date(Date.now() - 31 * 60_000).toISOString() };
    const channelBefore = channel.posts.length;
    expect((await approve(late, { approver: old })).approvals[0]).toMatchObject({ outcome: 'snoozed' });
    expect(channel.posts.length).toBe(channelBefore + 1);
    const origin = await claimFor('wf-origin', 'snooze');
    const responsesBefore = responses.posts.length;
    await approve(origin, { responseUrl: 'http://169.254.169.254/latest/meta-data/iam' });
    expect(responses.posts.length).toBe(responsesBefore);
    expect(channel.posts.length).toBe(channelBefore + 2);
  });

  it('judges Retry GC and Complete from AWS by the same policy notify offered them by: off since the message, not done', async () => {
    // Signed while the policy allowed both (a notify would have offered them); the policy is now off.
    finishing = {};
    const posts = responses.posts.length;
    for (const act of ['rearm', 'complete'] as const) {
      const claim = await claimFor('wf-policy', act);
      expect((await approve(claim)).approvals[0]).toMatchObject({ outcome: 'not-done', code: 'not-allowed' });
    }
    expect(responses.posts.length).toBe(posts + 2);
    expect((responses.posts.at(-1)!.json as { text: string }).text).toContain('Complete from AWS is not allowed for gc-failed by the current policy');
    expect(writes().filter((r) => r.method === 'PATCH' || r.method === 'DELETE')).toEqual([]);
  });

  it('when building approvals fails, the approval is kept for a redelivery and the failure says why', async () => {
    const claim = await claimFor('wf-none', 'snooze');
    const report = await approve(claim, { rtError: new ConfigError('cannot read SSM parameter /afr/slack-button-key (AccessDeniedException)') });
    expect(report.results[0]!.status).toBe('rejected');
    expect(String((report.results[0] as { reason?: unknown }).reason)).toContain('ConfigError: cannot read SSM parameter /afr/slack-button-key (AccessDeniedException)');
    expect(logged.join('\n')).toContain('AccessDeniedException');
    expect(writes().filter((r) => r.method === 'PATCH' || r.method === 'DELETE')).toEqual([]);
  });

  it('keeps an approval for a redelivery when approvals are not available, and never logs a response_url', async () => {
    const claim = await claimFor('wf-none', 'snooze');
    const report = await approve(claim, { rt: undefined });
    expect(report.results[0]!.status).toBe('rejected');
    const everything = logged.join('\n') + JSON.stringify(published);
    expect(everything).not.toContain('evalRespUrlT0ken');
    expect(everything).not.toContain('169.254.169.254');
  });
});
