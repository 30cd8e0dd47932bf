import type { ApprovalAction } from '../domain/approval.js';
import type { Decision } from '../domain/decision.js';
import { gcPod } from './builders.js';
import type { LocalApiServer } from '../local/apiserver/index.js';
import { startLocalFunctionUrl } from '../local/function-url.js';
import { click, DEMO_SLACK_APP } from '../local/slack-clicker.js';
import type { ReceivedPost } from '../local/slack-receiver.js';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** One click of the demo and what became of it. */
export interface DemoApproval {
  workflow: string;
  action: ApprovalAction;
  user: string;
  story: string;
  /** What the function URL answered the click. */
  http: { status: number; answer: string };
  /** What evaluate did with it (absent when the click was refused at the door). */
  outcome?: string;
  reason?: string;
}

export interface ApprovalsDemoDeps {
  server: LocalApiServer;
  /** What the channel received: the notify messages with their buttons. */
  channelPosts: readonly ReceivedPost[];
  decisions: readonly Decision[];
  interact: (event: APIGatewayProxyEventV2, context: object) => Promise<APIGatewayProxyStructuredResultV2>;
  /** The response_url the demo's Slack hands out with each click. */
  responseUrl: string;
  /** Runs evaluate over what the clicks enqueued, and returns the approval outcomes it published. */
  evaluate: () => Promise<Array<{ claim?: { n: string; act: string }; outcome: string; reason: string }>>;
  now: Date;
}

type Button = { action_id: string; value: string };

/** The buttons notify posted for one Workflow, by action. */
function buttonsOf(posts: readonly ReceivedPost[], decision: Decision | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!decision) return out;
  for (const post of posts) {
    const blocks = ((post.json as { blocks?: unknown[] } | undefined)?.blocks ?? []) as Array<{ type: string; block_id?: string; elements?: Button[] }>;
    for (const b of blocks) {
      if (b.type !== 'actions' || b.block_id !== `afr:${decision.decisionId}`) continue;
      for (const e of b.elements ?? []) out.set(e.action_id.replace(/^afr\./, ''), e.value);
    }
  }
  return out;
}

/**
 * The approvals part of `npm start` (README "Approvals from Slack"): three clicks on the buttons notify just posted, sent to
 * interact behind a loopback function URL exactly as Slack sends them. Two are approved and acted on (a removal,
 * and a Complete from AWS that deletes the objects from the demo's bucket); one is for a Workflow that changed
 * after the message was posted and is not done; one is forged and refused at the door.
 */
export async function runApprovalsDemo(d: ApprovalsDemoDeps): Promise<DemoApproval[]> {
  const url = await startLocalFunctionUrl(d.interact, { base64: 'always' });
  try {
    const find = (name: string) => d.decisions.find((x) => x.workflow.name === name && x.verdict === 'notify');
    const stuck = find('train-model-4kq9z');
    const failed = find('etl-run-q8h2d');
    const warehouse = find('dbt-nightly-6fj3p');
    const stuckButtons = buttonsOf(d.channelPosts, stuck);
    const failedButtons = buttonsOf(d.channelPosts, failed);
    const warehouseButtons = buttonsOf(d.channelPosts, warehouse);
    const clicks: DemoApproval[] = [];
    const send = async (c: { wf: Decision | undefined; action: ApprovalAction; value: string | undefined; story: string; secret?: string }) => {
      if (!c.wf || !c.value) throw new Error(`demo: notify posted no ${c.action} button for ${c.wf?.workflow.name ?? 'the Workflow'}`);
      const res = await click(url.url, { value: c.value, user: DEMO_SLACK_APP.approver, teamId: DEMO_SLACK_APP.teamId, appId: DEMO_SLACK_APP.appId, responseUrl: d.responseUrl }, c.secret ?? DEMO_SLACK_APP.signingSecret);
      clicks.push({ workflow: `${c.wf.workflow.namespace}/${c.wf.workflow.name}`, action: c.action, user: DEMO_SLACK_APP.approver.name, story: c.story, http: { status: res.status, answer: res.body.trim() } });
    };

    await send({ wf: stuck, action: 'remove', value: stuckButtons.get('remove'), story: 'approved: remove the finalizer of a Workflow whose GC pod cannot pull its image' });
    await send({ wf: warehouse, action: 'complete', value: warehouseButtons.get('complete'), story: 'approved: complete GC from AWS where the namespace needs an approval for it (objects deleted, verified gone, artifacts marked deleted)' });
    // After the message was posted, a new GC pod starts for the GC-failed Workflow: the state shown is gone.
    const live = d.server.store.list({ kind: 'Workflow', apiVersion: 'argoproj.io/v1alpha1', namespace: 'data' }).find((o) => o.metadata.name === 'etl-run-q8h2d');
    if (live) d.server.store.put(gcPod(live as never, { strategy: 'wfcomp', phase: 'Running', now: d.now, createdMinutesAgo: 0.1 }) as never);
    await send({ wf: failed, action: 'rearm', value: failedButtons.get('rearm'), story: 'Retry GC clicked after a new GC pod started: the Workflow changed' });
    await send({ wf: failed, action: 'deny', value: failedButtons.get('deny'), story: 'forged: the same button signed with a guessed secret', secret: 'not-the-signing-secret-0000000000' });

    const outcomes = await d.evaluate();
    for (const c of clicks) {
      const o = outcomes.find((x) => x.claim && `${c.workflow}`.endsWith(`/${x.claim.n}`) && x.claim.act === c.action);
      if (o) {
        c.outcome = o.outcome;
        c.reason = o.reason;
      } else if (c.http.status !== 200) {
        c.outcome = 'refused';
        c.reason = c.http.answer;
      }
    }
    return clicks;
  } finally {
    await url.close();
  }
}
