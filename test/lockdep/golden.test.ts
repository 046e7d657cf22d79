import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Validator } from '../../src/lockdep/index.js';
import { badUnlock, irqInversion, selfDeadlock, threeLockCycle } from './fixtures.js';

// Report texts kept as golden files, each read line by line against reference/lockdep.md 1.7 and the
// kernel's print_* functions (blank lines follow printk's newline handling). Regenerate with
// UPDATE_GOLDEN=1 only after reading the diff the same way.

const DIR = new URL('../golden/lockdep/', import.meta.url);

function only(v: Validator): string {
  const reports = v.reports();
  expect(reports).toHaveLength(1);
  return reports[0]!.text();
}

function golden(name: string, text: string): void {
  const file = new URL(`${name}.txt`, DIR);
  if (process.env['UPDATE_GOLDEN']) {
    mkdirSync(DIR, { recursive: true });
    writeFileSync(file, text);
  }
  expect(text).toBe(readFileSync(file, 'utf8'));
}

describe('golden lockdep reports', () => {
  it.each([
    ['circular', threeLockCycle],
    ['recursive', selfDeadlock],
    ['irq-inversion', irqInversion],
    ['bad-unlock', badUnlock],
  ] as const)('%s matches its golden file byte for byte', (name, scenario) => {
    const v = scenario();
    expect(v.reports()[0]!.kind).toBe(name);
    golden(name, only(v));
  });

  it('the release line is configurable', () => {
    const text = only(
      threeLockCycle({ ident: { release: '6.6.0', build: '#2', taint: 'Tainted: G        W' } }),
    );
    expect(text.split('\n')[2]).toBe('6.6.0 #2 Tainted: G        W');
    expect(text).toContain('CPU: 0 PID: 502 Comm: falloc-dio Tainted: G        W 6.6.0 #2');
  });
});
