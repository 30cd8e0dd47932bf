import { machineTool } from './machine-tool.js';

/** The kubectl on PATH, if any: the tests that drive the local API server with the real client need it. */
export function findKubectl(): string | undefined {
  return kubectlTool().path;
}

/** kubectl, with the note a skipped test carries when it is missing (machine-tool.ts). */
export function kubectlTool(): ReturnType<typeof machineTool> {
  return machineTool('kubectl', 'the tests that drive the local API server with the real kubectl');
}
