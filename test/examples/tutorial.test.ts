import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { summary } from '../../examples/programmatic.js';
import { ROOT } from '../helpers/cli.js';

// The tutorial shows real files: each code block marked `<!-- file: examples/x.ts -->` is that file,
// byte for byte, and every example appears in it. examples.test.ts runs them.

const TUTORIAL = readFileSync(`${ROOT}docs/tutorial.md`, 'utf8');

function blocks(): Map<string, string> {
  const out = new Map<string, string>();
  const re = /<!-- file: (\S+) -->\n```ts\n([\s\S]*?)```\n/g;
  for (let m = re.exec(TUTORIAL); m; m = re.exec(TUTORIAL)) out.set(m[1]!, m[2]!);
  return out;
}

describe('docs/tutorial.md', () => {
  it('shows each example file exactly as it is', () => {
    const shown = blocks();
    expect(shown.size).toBeGreaterThan(5);
    for (const [path, text] of shown) expect(text, path).toBe(readFileSync(`${ROOT}${path}`, 'utf8'));
  });

  it('shows every example', () => {
    const shown = [...blocks().keys()];
    for (const f of readdirSync(`${ROOT}examples`)) expect(shown).toContain(`examples/${f}`);
  });

  it('has no code block of TypeScript that is not a file', () => {
    const all = TUTORIAL.match(/```ts\n/g) ?? [];
    expect(all.length).toBe(blocks().size);
  });

  it('runs the programmatic example', () => {
    const lines = summary();
    expect(lines[0]).toMatch(/^abba: deadlock abba#\w{4}@plain:ab:\w{4}$/);
    expect(lines[1]).toMatch(/^lost-wakeup: deadlock /);
    expect(lines[2]).toBe('wait-event: ok (complete)');
  });
});
