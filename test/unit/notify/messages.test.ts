import { ApprovalAction, pendingDigest } from '../../../src/domain/approval.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Cause } from '../../../src/domain/assessment.js';
import { type Decision } from '../../../src/domain/decision.js';
import {
  digestMessage,
  groupForSlack,
  groupMessage,
  notifyMessage,
  removalMessage,
  shouldNotify,
  systemicAlertMessage,
} from '../../../src/notify/messages.js';
import { type SlackMessage, checkSlackLimits } from '../../../src/notify/slack-message.js';
import { forceRemovalDecision, gcFailedDecision, gcPodStuckDecision, noPendingRemovalDecision, systemicAlert, variants } from './fixtures.js';

const ARGO = { argoUiUrl: 'https://argo.example.com/' };
const all = (m: SlackMessage) => [m.text, ...m.blocks.map((b) => JSON.stringify(b))].join('\n');

describe('notifyMessage', () => {
  const m = notifyMessage(gcFailedDecision(), ARGO);

  it('stays within Slack limits and has a fallback text', () => {
    expect(checkSlackLimits(m)).toEqual([]);
    expect(m.text).toBe('[prod-eu-1] Stuck Argo Workflow data/etl-run-q8h2d: Artifact GC failed');
  });

  it('links the Workflow in the Argo UI and names cluster, cause and uid', () => {
    const text = all(m);
    expect(text).toContain('<https://argo.example.com/workflows/data/etl-run-q8h2d|data/etl-run-q8h2d>');
    expect(text).toContain('prod-eu-1');
    expect(text).toContain('`gc-failed`');
    expect(text).toContain('0f6c2a9b-51e4-4b3e-9d1a-7c2f9e8b4d21');
  });

  it('shows the evidence: GC pod and phase, the ArtifactGCError condition, task errors, pending artifacts', () => {
    const text = all(m);
    expect(text).toContain('etl-run-q8h2d-artgc-wfdel-1104873411');
    expect(text).toContain('ArtifactGCError: Access Denied (artifactGCTask: etl-run-q8h2d-artgc-wfdel-1104873411-0)');
    expect(text).toMatch(/report.*Access Denied/);
    expect(text).toContain('s3://data-artifacts/etl/0f6c2a9b-51e4-4b3e-9d1a-7c2f9e8b4d21/report.csv');
    expect(text).toContain('Artifacts still waiting for GC (2)');
  });

  it('gives the next step and the narrow patch in a code block', () => {
    const text = all(m);
    expect(text).toContain('workflowartifactgctasks/status');
    expect(text).toContain('```kubectl -n data patch workflow etl-run-q8h2d --type=json -p');
    expect(text).toContain('/metadata/finalizers/1');
  });

  it('has no link when no Argo UI is configured', () => {
    expect(all(notifyMessage(gcFailedDecision()))).not.toContain('<https://');
  });

  it('describes a stuck GC pod with its phase and the command to look at it', () => {
    const text = all(notifyMessage(gcPodStuckDecision()));
    expect(text).toContain('Artifact GC pod never finishes');
    expect(text).toContain('*Running*');
    expect(text).toContain('istio-proxy');
    expect(text).toContain('kubectl -n ml describe pod train-model-x9k2l-artgc-wfcomp-2166136261');
  });

  it('escapes what came from the cluster, so a task error cannot ping a channel or forge a link', () => {
    const d = gcFailedDecision();
    d.evidence.tasks[0]!.errors[0]!.error = 'denied <!channel> see <https://evil.example|docs> & more';
    const text = all(notifyMessage(d));
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<https://evil.example|docs>');
  });
});

describe('removalMessage', () => {
  it('links the evidence bundle by its S3 key and console page, never its contents', () => {
    const key = 'evidence/cluster=staging/date=2026-11-30/sandbox/scratch-run-x7p2m/c2d4/d1/';
    const d = forceRemovalDecision({ evidenceKey: key, evidenceSha256: 'ab'.repeat(32), intentKey: 'audit/x.intent.json' });
    const text = all(removalMessage(d, { evidenceBucket: 'afr-audit', region: 'eu-west-1' }));
    expect(text).toContain(`s3://afr-audit/${key}`);
    expect(text).toContain(`https://s3.console.aws.amazon.com/s3/buckets/afr-audit?region=eu-west-1&prefix=${encodeURIComponent(key)}&showversions=false`);
    expect(text).toContain('ab'.repeat(32));
    // Without a region: the key alone, no link; without a bundle: no evidence section at all.
    expect(all(removalMessage(d, { evidenceBucket: 'afr-audit' }))).not.toContain('console.aws.amazon.com');
    expect(all(removalMessage(forceRemovalDecision()))).not.toContain('Evidence bundle');
  });

  it('says what was removed, keeps quiet about nothing, and lists the orphans of a forced removal', () => {
    const m = removalMessage(forceRemovalDecision(), ARGO);
    expect(checkSlackLimits(m)).toEqual([]);
    const text = all(m);
    expect(text).toContain('Removed');
    expect(text).toContain('`workflows.argoproj.io/artifact-gc` (index 0)');
    expect(text).toContain('Orphaned artifacts: left in storage');
    expect(text).toContain('s3://batch-out/exports/c2d4e6f8-1a3b-4c5d-8e9f-0a1b2c3d4e5f/export.parquet');
    expect(text).toContain('s3://batch-out/logs/nightly-export-29481/main.log');
    expect(text).not.toContain('kubectl'); // done already; no command to run
  });

  it('speaks in the conditional for a dry run and gives the command', () => {
    const text = all(removalMessage(forceRemovalDecision({ action: 'would-remove', mode: 'dry-run', outcome: 'dry-run' })));
    expect(text).toContain('Would remove (dry run)');
    expect(text).toContain('would be left');
    expect(text).toContain('kubectl -n batch patch workflow nightly-export-29481');
  });

  it('does not call artifacts orphaned when GC reported them deleted', () => {
    const text = all(removalMessage(forceRemovalDecision({ cause: 'gc-succeeded-unrecouped' })));
    expect(text).toContain('reports as deleted');
    expect(text).not.toContain('Orphaned');
  });

  it('mentions the finalizers it kept', () => {
    const d = noPendingRemovalDecision({ notifyOperator: true });
    d.evidence.finalizers = ['foregroundDeletion', 'workflows.argoproj.io/artifact-gc'];
    expect(all(removalMessage(d))).toContain('other finalizers kept: `foregroundDeletion`');
  });
});

describe('systemicAlertMessage', () => {
  it('pages with counts, causes and a sample, within limits', () => {
    const m = systemicAlertMessage(systemicAlert(), ARGO);
    expect(checkSlackLimits(m)).toEqual([]);
    const text = all(m);
    expect(text).toContain('412');
    expect(text).toContain('cap of *25*');
    expect(text).toContain('`gc-never-ran` ×13');
    expect(text).toContain('`controller-not-reconciling` ×7');
    expect(text).toContain('<https://argo.example.com/workflows/data/etl-run-0|data/etl-run-0>');
  });
});

describe('which decisions reach Slack', () => {
  it.each([
    ['notify verdict, notified', gcFailedDecision(), true],
    ['notify verdict, action none', gcFailedDecision({ action: 'none' }), false],
    ['forced removal with notifyOperator', forceRemovalDecision(), true],
    ['dry-run removal with notifyOperator', forceRemovalDecision({ action: 'would-remove' }), true],
    ['quiet removal', noPendingRemovalDecision(), false],
    ['wait', gcPodStuckDecision({ verdict: 'wait', cause: 'gc-running', action: 'none' }), false],
    ['ignore', gcPodStuckDecision({ verdict: 'ignore', cause: 'awaiting-deletion', action: 'none' }), false],
    ['wait even if someone set notified', gcPodStuckDecision({ verdict: 'wait', cause: 'gc-running', action: 'notified' }), false],
  ] as const)('%s', (_, d, expected) => {
    expect(shouldNotify(d)).toBe(expected);
  });

  it('groups by (cluster, cause), once per decisionId', () => {
    const failed = variants(gcFailedDecision, 6);
    const stuck = variants(gcPodStuckDecision, 4);
    const groups = groupForSlack([...failed, ...stuck, failed[0]!, noPendingRemovalDecision()]);
    expect(groups.map((g) => [g[0]!.cause, g.length])).toEqual([
      ['gc-failed', 6],
      ['gc-pod-stuck', 4],
    ]);
    const otherCluster = variants((o) => gcFailedDecision({ ...o, cluster: 'prod-us-1' }), 2);
    expect(groupForSlack([...failed, ...otherCluster])).toHaveLength(2);
  });
});

describe('limits under load', () => {
  it('500 pending artifacts: truncated with "…and N more"', () => {
    const d = gcFailedDecision();
    d.pendingArtifacts = Array.from({ length: 500 }, (_, i) => ({
      node: `etl-run-q8h2d-${i}`,
      name: `part-${i}`,
      strategy: 'OnWorkflowDeletion' as const,
      location: `s3://data-artifacts/etl/${d.workflow.uid}/part-${String(i).padStart(5, '0')}.parquet`,
    }));
    for (const m of [notifyMessage(d, ARGO), removalMessage({ ...d, verdict: 'remove', action: 'removed' }, ARGO)]) {
      expect(checkSlackLimits(m)).toEqual([]);
      expect(all(m)).toMatch(/…and \d+ more/);
      expect(all(m)).toContain('(500)');
    }
  });

  it('a digest of 200 Workflows: one message, truncated, within limits', () => {
    const m = digestMessage(variants(gcFailedDecision, 200), ARGO);
    expect(checkSlackLimits(m)).toEqual([]);
    const text = all(m);
    expect(text).toContain('200 Argo Workflows on prod-eu-1');
    expect(text).toMatch(/…and \d+ more/);
    expect(text).toContain('etl-run-q8h2d-0|');
  });

  it('huge cluster-supplied strings are clipped', () => {
    const d = gcFailedDecision();
    d.reasons = Array.from({ length: 100 }, () => 'r'.repeat(5000));
    d.evidence.conditions = Array.from({ length: 100 }, () => 'c'.repeat(5000));
    d.evidence.tasks = Array.from({ length: 100 }, (_, i) => ({ name: `t-${i}`, errors: [{ node: 'n', artifact: 'a', error: 'e'.repeat(5000) }] }));
    d.evidence.pods = Array.from({ length: 100 }, (_, i) => ({ name: `p-${i}`, phase: 'Failed', recouped: false, reason: 'x'.repeat(5000) }));
    expect(checkSlackLimits(notifyMessage(d, ARGO))).toEqual([]);
    expect(checkSlackLimits(digestMessage([d, ...variants(gcFailedDecision, 3)], ARGO))).toEqual([]);
  });

  it('every message for random decisions passes checkSlackLimits', () => {
    const text = fc.string({ maxLength: 400, unit: 'binary' });
    fc.assert(
      fc.property(
        fc.constantFrom(...Cause.options),
        fc.array(text, { maxLength: 30 }),
        fc.array(fc.record({ node: text, name: text, location: fc.option(text, { nil: undefined }) }), { maxLength: 300 }),
        fc.array(fc.record({ name: text, error: text }), { maxLength: 50 }),
        fc.integer({ min: 1, max: 120 }),
        fc.constantFrom<Decision['action']>('notified', 'removed', 'would-remove'),
        (cause, reasons, artifacts, errors, count, action) => {
          const base = gcFailedDecision({ cause, reasons, action, verdict: action === 'notified' ? 'notify' : 'remove' });
          base.pendingArtifacts = artifacts.map((a) => ({ ...a, strategy: 'OnWorkflowCompletion' as const, location: a.location }));
          base.evidence.tasks = [{ name: 'task', errors: errors.map((e) => ({ node: 'n', artifact: e.name, error: e.error })) }];
          // With approval buttons too: they must fit within the same limits.
          base.pendingDigest = pendingDigest(base.pendingArtifacts);
          const others = variants(gcFailedDecision, count).map((v) => ({ ...v, pendingDigest: pendingDigest(v.pendingArtifacts) }));
          const buttons = { buttons: { keys: ['k'.repeat(40)], ttlMs: 3_600_000, offer: () => ({ allowed: new Set(ApprovalAction.options), finishing: { rearm: true, complete: true }, complete: { objects: 2, prefixes: 1, neverUploaded: 1, where: ['s3://b/p/', 's3://c/q/', 's3://d/r/'] } }) } };
          const ms = [groupMessage([base], ARGO), groupMessage([base, ...others], ARGO), groupMessage([base], { ...ARGO, ...buttons }), groupMessage([base, ...others], { ...ARGO, ...buttons })];
          for (const m of ms) expect(checkSlackLimits(m)).toEqual([]);
        },
      ),
      { numRuns: 150, seed: 20260902 },
    );
  });
});

describe('checkSlackLimits', () => {
  it('reports each kind of violation', () => {
    const long = (n: number) => 'x'.repeat(n);
    const problems = checkSlackLimits({
      text: '',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: long(151) } },
        { type: 'section', text: { type: 'mrkdwn', text: long(3001) } },
        { type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn' as const, text: 'f' })) },
        ...Array.from({ length: 48 }, () => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text: long(200) } })),
      ],
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'text fallback is missing',
        '51 blocks (max 50)',
        'block 0 (header): 151 chars (max 150)',
        'block 1 (section): 3001 chars (max 3000)',
        'block 2 (section): 11 fields (max 10)',
        expect.stringMatching(/^blocks hold \d+ chars in total/),
      ]),
    );
  });
});

describe('locations in Slack (README "The decision, in plain words"): never-uploaded artifacts, directory orphans, the #16897 reading', () => {
  const storage = { driver: 's3' as const, endpoint: 's3.amazonaws.com', bucket: 'batch-out', key: 'exports/dir' };

  it('never lists a never-uploaded artifact among the orphans of a removal, and counts it apart', () => {
    const base = forceRemovalDecision();
    const d = forceRemovalDecision({
      pendingArtifacts: [base.pendingArtifacts[0]!, { node: 'nightly-export-29481-2', name: 'retried', strategy: 'OnWorkflowDeletion', neverUploaded: true }],
    });
    const text = all(removalMessage(d));
    expect(text).toContain('Orphaned artifacts: left in storage, nothing in Argo will delete them (1)');
    expect(text).toContain('Never uploaded (1)');
    expect(text).toContain('#13161');
  });

  it('lists suspected directory orphans (argo #14387) in notify and removal messages', () => {
    const orphans = [{ node: 'n1', name: 'dir', location: 's3://batch-out/exports/dir', storage }];
    for (const m of [removalMessage(forceRemovalDecision({ suspectedDirectoryOrphans: orphans })), notifyMessage(gcFailedDecision({ suspectedDirectoryOrphans: orphans }))]) {
      const text = all(m);
      expect(text).toContain('Suspected directory orphans (1)');
      expect(text).toContain('#14387');
      expect(text).toContain('s3://batch-out/exports/dir');
      expect(checkSlackLimits(m)).toEqual([]);
    }
  });

  it('words the next step for the cluster\'s reading of strategiesProcessed', () => {
    const d = (processedReading: 'attempted' | 'created' | 'unknown') => {
      const base = gcFailedDecision();
      return gcFailedDecision({ cause: 'gc-pod-missing', evidence: { ...base.evidence, processedReading } });
    };
    expect(all(notifyMessage(d('created')))).toContain('no re-arm is needed');
    expect(all(notifyMessage(d('attempted')))).not.toContain('no re-arm is needed');
    expect(all(notifyMessage(d('unknown')))).toContain('With argo #16897');
  });
});
