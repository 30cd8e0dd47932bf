import { DNS1123_LABEL, DNS1123_SUBDOMAIN } from '../signals/signal.js';
import type { Scope, WorkflowKey } from './port.js';

/** A name or namespace that must never reach a URL: thrown before any request is built. */
export class InvalidWorkflowKeyError extends Error {
  override readonly name = 'InvalidWorkflowKeyError';
}

export function assertNamespace(namespace: string): string {
  if (typeof namespace !== 'string' || !DNS1123_LABEL.test(namespace)) {
    throw new InvalidWorkflowKeyError(`invalid namespace ${JSON.stringify(namespace)}: must be a DNS-1123 label`);
  }
  return namespace;
}

export function assertWorkflowKey(key: WorkflowKey): WorkflowKey {
  assertNamespace(key.namespace);
  if (typeof key.name !== 'string' || !DNS1123_SUBDOMAIN.test(key.name)) {
    throw new InvalidWorkflowKeyError(`invalid Workflow name ${JSON.stringify(key.name)}: must be a DNS-1123 subdomain`);
  }
  return key;
}

export function assertScope(scope: Scope): Scope {
  if ('namespace' in scope) assertNamespace(scope.namespace);
  return scope;
}

/** Kubernetes uids are RFC 4122 strings; anything else never goes into a field selector. */
const UID = /^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/;

export function assertUid(uid: string): string {
  if (typeof uid !== 'string' || !UID.test(uid)) throw new InvalidWorkflowKeyError(`invalid uid ${JSON.stringify(uid)}`);
  return uid;
}
