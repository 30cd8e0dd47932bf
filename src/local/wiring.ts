import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import type { Pattern } from '../bus/event-pattern.js';

/**
 * The part of serverless.yml the local pipeline copies: rule patterns, retry attempts, batch size and the
 * redrive limit. Read from the file itself, so the demo routes exactly as the deployed stack does.
 */
export interface Wiring {
  exporterRule: Pattern;
  /** The notify rule feeds a queue that notify consumes in batches (one digest per cluster and cause). */
  notify: { pattern: Pattern; maximumRetryAttempts: number; batchSize: number };
  audit: { pattern: Pattern; maximumRetryAttempts: number };
  evaluate: { batchSize: number };
  signalsQueue: { maxReceiveCount: number };
}

export const SERVERLESS_YML = fileURLToPath(new URL('../../serverless.yml', import.meta.url));

type Node = Record<string, any>;

export function readWiring(path = SERVERLESS_YML): Wiring {
  // CloudFormation tags (!Ref, !GetAtt...) are kept as their plain values; only the shapes matter here.
  const doc = parseDocument(readFileSync(path, 'utf8'), { logLevel: 'silent', customTags: cfnTags() });
  const yml = doc.toJS() as Node;
  const bridge = (fn: string) => {
    const ev = (yml.functions?.[fn]?.events ?? []).find((e: Node) => e.eventBridge)?.eventBridge;
    if (!ev?.pattern) throw new Error(`serverless.yml: function ${fn} has no eventBridge pattern`);
    return { pattern: ev.pattern as Pattern, maximumRetryAttempts: Number(ev.retryPolicy?.maximumRetryAttempts ?? 185) };
  };
  const resources: Node = yml.resources?.Resources ?? {};
  const ruleTo = (target: string) =>
    Object.values(resources).find((r: Node) => r.Type === 'AWS::Events::Rule' && (r.Properties?.Targets ?? []).some((t: Node) => String(t.Arn).startsWith(`${target}.`))) as Node | undefined;
  const exporter = ruleTo('SignalsQueue');
  if (!exporter) throw new Error('serverless.yml: no rule sends exporter events to SignalsQueue');
  const notifyRule = ruleTo('NotifyQueue');
  if (!notifyRule) throw new Error('serverless.yml: no rule sends decisions to NotifyQueue');
  const notifySqs = (yml.functions?.notify?.events ?? []).find((e: Node) => e.sqs)?.sqs;
  const sqs = (yml.functions?.evaluate?.events ?? []).find((e: Node) => e.sqs)?.sqs;
  const queue = resources['SignalsQueue'] as Node | undefined;
  return {
    exporterRule: exporter.Properties.EventPattern as Pattern,
    notify: {
      pattern: notifyRule.Properties.EventPattern as Pattern,
      maximumRetryAttempts: Number(notifyRule.Properties.Targets[0].RetryPolicy?.MaximumRetryAttempts ?? 185),
      batchSize: Number(notifySqs?.batchSize ?? 10),
    },
    audit: bridge('audit'),
    evaluate: { batchSize: Number(sqs?.batchSize ?? 10) },
    signalsQueue: { maxReceiveCount: Number(queue?.Properties.RedrivePolicy.maxReceiveCount ?? 5) },
  };
}

function cfnTags() {
  const tag = (name: string) => [
    { tag: `!${name}`, resolve: (value: string) => value },
    { tag: `!${name}`, collection: 'seq' as const, resolve: (value: unknown) => value },
    { tag: `!${name}`, collection: 'map' as const, resolve: (value: unknown) => value },
  ];
  return ['Ref', 'GetAtt', 'Sub', 'If', 'Join', 'Equals', 'Not', 'And', 'Or', 'Select', 'Split', 'ImportValue', 'FindInMap', 'Condition', 'Base64', 'Cidr', 'GetAZs'].flatMap(tag);
}
