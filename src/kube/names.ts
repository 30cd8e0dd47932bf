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
