// Every configuration the documentation shows, and every file in examples/, goes through the validation the
// functions apply at a cold start (and the deployment review of `config check`), so none can rot again.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reviewForDeployment } from '../../../src/config/deployment.js';
import { checkConfigText } from '../../../src/config/load.js';

const ROOT = join(import.meta.dirname, '../../..');
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'infra')).filter((f) => f.endsWith('.md')).map((f) => `infra/${f}`)];

/** ```yaml / ```json blocks that are configurations or pieces of one (they name clusters or a cluster auth). */
function configSnippets(): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  for (const doc of DOCS) {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    for (const m of text.matchAll(/^```(yaml|json)\n([\s\S]*?)^```/gm)) {
      const body = m[2]!;
      if (!/^\s*(clusters|cluster|auth):/m.test(body)) continue;
      out.push({ where: `${doc}:${text.slice(0, m.index).split('\n').length}`, text: body });
    }
  }
  return out;
}

const examples = readdirSync(join(ROOT, 'examples'))
  .filter((f) => /^config.*\.(ya?ml|json)$/.test(f))
  .map((f) => ({ where: `examples/${f}`, text: readFileSync(join(ROOT, 'examples', f), 'utf8') }));

describe('configurations in the documentation and examples', () => {
  it('finds the snippets it is meant to check', () => {
    expect(configSnippets().map((s) => s.where.split(':')[0])).toEqual(expect.arrayContaining(['README.md', 'infra/README-eks.md']));
    expect(examples.map((e) => e.where)).toContain('examples/config.example.yaml');
  });

  it.each([...configSnippets(), ...examples].map((s) => [s.where, s.text]))('%s is a whole configuration that deploys as written', (where, text) => {
    const checked = checkConfigText(text, where);
    expect(checked.ok ? [] : checked.problems).toEqual([]);
    if (checked.ok) expect(reviewForDeployment(checked.config, text).problems).toEqual([]);
  });
});
