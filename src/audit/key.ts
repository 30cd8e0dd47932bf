import type { SignalRejected, SystemicAlert } from '../domain/alerts.js';
import type { ApprovalEvent } from '../domain/approval.js';
import type { Decision } from '../domain/decision.js';
import type { AnyAuditRecord } from './record.js';

/**
 * One safe path segment: S3 keys and file paths both. Keeps what Kubernetes names, uids, cluster names and hex
 * ids use; anything else (a slash, "..", control characters) becomes "_" so a value can never climb out of its
 * place in the layout or split into two segments.
 */
export function pathSegment(value: string | undefined, fallback = 'unknown'): string {
  const cleaned = (value ?? '').replace(/[^A-Za-z0-9._\-]/g, '_').slice(0, 200);
  if (cleaned === '' || /^\.+$/.test(cleaned)) return fallback === '' ? '_' : pathSegment(fallback, '_');
  return cleaned;
}

/** UTC calendar date of an ISO timestamp: the Athena partition. */
export function utcDate(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`not a timestamp: ${JSON.stringify(iso.slice(0, 40))}`);
  return new Date(t).toISOString().slice(0, 10);
}

function partition(cluster: string | undefined, at: string, root = 'audit'): string {
  return `${root}/cluster=${pathSegment(cluster)}/date=${utcDate(at)}`;
}

type DecisionPlace = Pick<Decision, 'cluster' | 'at' | 'workflow' | 'decisionId'>;

function decisionPath(d: DecisionPlace, root: string): string {
  const w = d.workflow;
  return `${partition(d.cluster, d.at, root)}/${pathSegment(w.namespace)}/${pathSegment(w.name)}/${pathSegment(w.uid)}/${pathSegment(d.decisionId)}`;
}

/** `audit/cluster=<c>/date=<YYYY-MM-DD>/<namespace>/<name>/<uid>/<decisionId>.json`. */
export function decisionAuditKey(d: DecisionPlace): string {
  return `${decisionPath(d, 'audit')}.json`;
}

/**
 * `audit/cluster=<c>/date=<d>/<namespace>/<name>/`: every decision and intent of one Workflow name on one day,
 * whatever its uid (a namesake recreated after a removal lives beside the removed one).
 */
export function workflowAuditPrefix(w: { cluster: string; date: string; namespace: string; name: string }): string {
  return `${partition(w.cluster, `${w.date}T00:00:00Z`)}/${pathSegment(w.namespace)}/${pathSegment(w.name)}/`;
}

/** The intent record beside the decision's audit record: written before the act. */
export function intentAuditKey(d: DecisionPlace): string {
  return `${decisionPath(d, 'audit')}.intent.json`;
}

/** `evidence/cluster=<c>/date=<d>/<ns>/<name>/<uid>/<decisionId>/`: the bundle's folder. */
export function evidencePrefix(d: DecisionPlace): string {
  return `${decisionPath(d, 'evidence')}/`;
}

/** Keyed by payload digest: the same rejected payload redelivered lands on the same object. */
export function rejectedAuditKey(r: Pick<SignalRejected, 'cluster' | 'at' | 'payloadDigest'>): string {
  return `${partition(r.cluster, r.at)}/_rejected/${pathSegment(r.payloadDigest)}.json`;
}

export function systemicAuditKey(a: Pick<SystemicAlert, 'cluster' | 'at' | 'alertId'>): string {
  return `${partition(a.cluster, a.at)}/_systemic/${pathSegment(a.alertId)}.json`;
}

/** Refusals of forged clicks have no trustworthy cluster: they land under `cluster=unknown`. */
export function approvalAuditKey(a: Pick<ApprovalEvent, 'cluster' | 'at' | 'id'>): string {
  return `${partition(a.cluster, a.at)}/_approvals/${pathSegment(a.id)}.json`;
}

/** Where a record lives in the bucket (or the folder): by its kind. */
export function auditKey(record: AnyAuditRecord): string {
  switch (record.kind) {
    case 'decision':
      return decisionAuditKey(record.decision);
    case 'signal-rejected':
      return rejectedAuditKey(record.rejected);
    case 'systemic-alert':
      return systemicAuditKey(record.alert);
    case 'approval':
      return approvalAuditKey(record.approval);
  }
}
