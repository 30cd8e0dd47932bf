import { describe, expect, it } from 'vitest';
import { assertNamespace, assertWorkflowKey, InvalidWorkflowKeyError } from '../../../src/kube/names.js';

describe('DNS-1123 checks before any URL is built', () => {
  it('accepts real names', () => {
    expect(() => assertWorkflowKey({ namespace: 'argo-workflows', name: 'parent-wf-7xk2p' })).not.toThrow();
    expect(() => assertWorkflowKey({ namespace: 'a', name: 'a.b-c' })).not.toThrow();
  });

  it.each([
    ['../kube-system', 'x'],
    ['argo', '../../secrets'],
    ['argo', 'wf?dryRun=All'],
    ['argo', 'wf/status'],
    ['Argo', 'wf'],
    ['argo', ''],
    ['a'.repeat(64), 'wf'],
    ['argo', 'a'.repeat(254)],
    ['argo', 'wf%2F..'],
  ])('rejects namespace %j name %j', (namespace, name) => {
    expect(() => assertWorkflowKey({ namespace, name })).toThrow(InvalidWorkflowKeyError);
  });

  it('names the offending value', () => {
    expect(() => assertNamespace('kube system')).toThrow(/invalid namespace "kube system": must be a DNS-1123 label/);
  });
});
