import { describe, expect, it } from 'vitest';
import { classifyObject, groupOf } from '../../../src/signals/object-kind.js';

describe('classifyObject', () => {
  it('accepts exactly kind Workflow in group argoproj.io, any version', () => {
    for (const apiVersion of ['argoproj.io/v1alpha1', 'argoproj.io/v1', 'argoproj.io/v2beta1']) {
      expect(classifyObject('involvedObject', { apiVersion, kind: 'Workflow' })).toEqual({ workflow: true });
    }
  });

  it.each([
    ['argoproj.io/v1alpha1', 'WorkflowTemplate', 'involvedObject is argoproj.io/WorkflowTemplate, not a Workflow'],
    ['argoproj.io/v1alpha1', 'ClusterWorkflowTemplate', 'involvedObject is argoproj.io/ClusterWorkflowTemplate, not a Workflow'],
    ['argoproj.io/v1alpha1', 'CronWorkflow', 'involvedObject is argoproj.io/CronWorkflow, not a Workflow'],
    ['argoproj.io/v1alpha1', 'WorkflowArtifactGCTask', 'involvedObject is argoproj.io/WorkflowArtifactGCTask, not a Workflow'],
    ['argoproj.io/v1alpha1', 'WorkflowTaskResult', 'involvedObject is argoproj.io/WorkflowTaskResult, not a Workflow'],
    ['argoproj.io/v1alpha1', 'workflow', 'involvedObject is argoproj.io/workflow, not a Workflow'],
    ['argoproj.io/v1alpha1', 'Workflows', 'involvedObject is argoproj.io/Workflows, not a Workflow'],
    ['v1', 'Pod', 'involvedObject is core/Pod, not a Workflow'],
    ['batch/v1', 'Job', 'involvedObject is batch/Job, not a Workflow'],
    ['workflows.example.com/v1', 'Workflow', 'involvedObject is workflows.example.com/Workflow, not an argoproj.io Workflow'],
    ['argoproj.io.example.com/v1', 'Workflow', 'involvedObject is argoproj.io.example.com/Workflow, not an argoproj.io Workflow'],
    ['v1', 'Workflow', 'involvedObject is core/Workflow, not an argoproj.io Workflow'],
    [undefined, 'Pod', 'involvedObject is Pod, not a Workflow'],
    ['argoproj.io/v1alpha1', undefined, 'involvedObject has no kind, nothing to evaluate'],
  ])('%s %s yields no signal', (apiVersion, kind, reason) => {
    expect(classifyObject('involvedObject', { apiVersion, kind })).toEqual({ workflow: false, ignored: reason });
  });

  it('takes a Workflow named without apiVersion as argoproj.io (the live read settles it)', () => {
    expect(classifyObject('templated layout object', { apiVersion: undefined, kind: 'Workflow' })).toEqual({ workflow: true });
  });

  it('names the owning Workflow of an artifact-GC pod, and still yields no signal', () => {
    const labels = { 'workflows.argoproj.io/component': 'artifact-gc', 'workflows.argoproj.io/workflow': 'etl-7xk2p' };
    const verdict = classifyObject('involvedObject', { apiVersion: 'v1', kind: 'Pod', labels });
    expect(verdict.workflow).toBe(false);
    expect(verdict).toHaveProperty('ignored', expect.stringContaining('artifact-GC pod of Workflow "etl-7xk2p"'));
    // A workflow pod (not GC) or a Pod-named CRD gets no such note.
    const plain = classifyObject('involvedObject', { apiVersion: 'v1', kind: 'Pod', labels: { 'workflows.argoproj.io/workflow': 'etl-7xk2p' } });
    expect(plain).toEqual({ workflow: false, ignored: 'involvedObject is core/Pod, not a Workflow' });
    const crd = classifyObject('involvedObject', { apiVersion: 'example.com/v1', kind: 'Pod', labels });
    expect(crd).toEqual({ workflow: false, ignored: 'involvedObject is example.com/Pod, not a Workflow' });
    // A Pod named without apiVersion is a core Pod too; an object of another kind with the same labels is no GC pod;
    // the Workflow's name is bounded in the note as Kubernetes bounds names.
    expect(classifyObject('involvedObject', { apiVersion: undefined, kind: 'Pod', labels })).toHaveProperty('ignored', expect.stringContaining('artifact-GC pod of Workflow "etl-7xk2p"'));
    expect(classifyObject('involvedObject', { apiVersion: 'v1', kind: 'ConfigMap', labels })).toEqual({ workflow: false, ignored: 'involvedObject is core/ConfigMap, not a Workflow' });
    const long = classifyObject('involvedObject', { apiVersion: 'v1', kind: 'Pod', labels: { ...labels, 'workflows.argoproj.io/workflow': 'w'.repeat(300) } });
    expect(long).toHaveProperty('ignored', expect.stringContaining(`Workflow "${'w'.repeat(253)}":`));
  });

  it('reads the group from apiVersion', () => {
    expect(groupOf('argoproj.io/v1alpha1')).toBe('argoproj.io');
    expect(groupOf('v1')).toBe('');
    expect(groupOf('')).toBeUndefined();
    expect(groupOf(undefined)).toBeUndefined();
  });
});
