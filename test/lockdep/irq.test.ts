import { describe, expect, it } from 'vitest';
import { lockKey, lockMap, usageChars, Validator } from '../../src/lockdep/index.js';
import { irqInversion, mutex, rawSpin } from './fixtures.js';

describe('usage string', () => {
  it('prints . - + ? for hardirq-write, hardirq-read, softirq-write, softirq-read', () => {
    expect(usageChars(0)).toBe('....');
    expect(usageChars(0b1)).toBe('-...'); // IN-HARDIRQ-W
    expect(usageChars(0b101)).toBe('?...'); // IN-HARDIRQ-W + HARDIRQ-ON-W
    expect(usageChars(0b1000100)).toBe('+.+.'); // HARDIRQ-ON-W + SOFTIRQ-ON-W
    expect(usageChars(0b10001000)).toBe('.+.+'); // both -ON-R
  });

  it('a lock taken only with irqs off prints {....}; a mutex in process context {+.+.}', () => {
    const v = new Validator({ keepGoing: true });
    const t = v.task('t', 1);
    const S = rawSpin('&s');
    v.hardirqsOff(t);
    v.acquire(t, S);
    v.acquire(t, S);
    const text = v.reports()[0]!.text();
    expect(text).toContain('(&s){....}-{2:2}');
    v.release(t, S);
    v.release(t, S);
    v.hardirqsOn(t);
    const M = mutex('&m');
    v.acquire(t, M);
    v.acquire(t, M);
    expect(v.reports()[1]!.text()).toContain('(&m){+.+.}-{4:4}');
  });
});

describe('inconsistent lock state', () => {
  it('IN-HARDIRQ-W then HARDIRQ-ON-W', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    const L = rawSpin('&l');
    v.hardirqEnter(t);
    v.acquire(t, L, { site: 'irq_handler' });
    v.release(t, L);
    v.hardirqExit(t);
    v.acquire(t, L, { site: 'process' });
    const r = v.reports()[0]!;
    expect(r.kind).toBe('inconsistent-state');
    const lines = r.text().split('\n');
    expect(lines[4]).toBe('inconsistent {IN-HARDIRQ-W} -> {HARDIRQ-ON-W} usage.');
    expect(lines[5]).toBe('t/1 [HC0[0]:SC0[0]:HE1:SE1] takes:');
    expect(lines[6]).toMatch(/ \(&l\)\{\?\.\.\.\}-\{2:2\}, at: process$/);
    expect(lines[7]).toBe('{IN-HARDIRQ-W} state was registered at:');
    expect(lines[8]).toBe('  irq_handler');
    expect(r.text()).toContain('  lock(&l);\n  <Interrupt>\n    lock(&l);\n');
  });

  it('SOFTIRQ-ON-W then IN-SOFTIRQ-W, detected in softirq context', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    const L = rawSpin('&l');
    v.acquire(t, L);
    v.release(t, L);
    v.softirqEnter(t);
    v.acquire(t, L);
    const r = v.reports()[0]!;
    expect(r.text()).toContain('inconsistent {SOFTIRQ-ON-W} -> {IN-SOFTIRQ-W} usage.');
    expect(r.text()).toContain('t/1 [HC0[0]:SC1[1]:HE1:SE0] takes:');
  });

  it('a lock taken with irqs off in process context and in hardirq is consistent', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    const L = rawSpin('&l');
    v.hardirqsOff(t);
    v.acquire(t, L);
    v.release(t, L);
    v.hardirqsOn(t);
    v.hardirqEnter(t);
    v.acquire(t, L);
    v.release(t, L);
    v.hardirqExit(t);
    expect(v.reports()).toEqual([]);
  });

  it('enabling irqs while holding an irq-safe lock marks it HARDIRQ-ON and reports', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    const L = rawSpin('&l');
    v.hardirqEnter(t);
    v.acquire(t, L);
    v.release(t, L);
    v.hardirqExit(t);
    v.hardirqsOff(t);
    v.acquire(t, L);
    expect(v.reports()).toEqual([]);
    v.hardirqsOn(t, { site: 'local_irq_enable_site' });
    expect(v.reports()[0]?.kind).toBe('inconsistent-state');
  });

  it('recursive read in irq and read with irqs on is fine (read vs read)', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    const L = lockMap('tasklist_lock', { wait: 'raw_spinlock' });
    v.acquire(t, L, { read: 2 });
    v.release(t, L);
    v.hardirqEnter(t);
    v.acquire(t, L, { read: 2 });
    v.release(t, L);
    v.hardirqExit(t);
    expect(v.reports()).toEqual([]);
    v.acquire(t, L); // a writer with irqs on conflicts with IN-HARDIRQ-R
    expect(v.reports()[0]?.text()).toContain('inconsistent {IN-HARDIRQ-R} -> {HARDIRQ-ON-W} usage.');
  });
});

describe('irq lock inversion', () => {
  it('an irq-safe lock that took a lock later taken with irqs on: backward case', () => {
    const r = irqInversion().reports()[0]!;
    expect(r.kind).toBe('irq-inversion');
    expect(r.classes).toEqual(['&stats->lock', '&q->requeue_lock']);
    expect(r.text()).toContain('but this lock was taken by another, HARDIRQ-safe lock in the past:');
  });

  it('a lock that took an irq-unsafe lock becoming irq-safe: forward case', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    const [A, B] = [rawSpin('&a'), rawSpin('&b')];
    v.acquire(t, A);
    v.acquire(t, B); // B becomes HARDIRQ-ON (unsafe)
    v.release(t, B);
    v.release(t, A);
    v.hardirqEnter(t);
    v.acquire(t, A); // wait: A itself was taken with irqs on: inconsistent first
    v.release(t, A);
    v.hardirqExit(t);
    expect(v.reports()[0]?.kind).toBe('inconsistent-state');

    const w = new Validator();
    const u = w.task('u', 2);
    w.hardirqsOff(u);
    w.acquire(u, A);
    w.acquire(u, B);
    w.release(u, B);
    w.release(u, A);
    w.hardirqsOn(u);
    w.acquire(u, B); // B: HARDIRQ-ON-W
    w.release(u, B);
    w.hardirqEnter(u);
    w.acquire(u, A); // A: IN-HARDIRQ-W, and A -> B with B unsafe
    const r = w.reports()[0]!;
    expect(r.kind).toBe('irq-inversion');
    expect(r.text()).toContain(
      'but this lock took another, HARDIRQ-unsafe lock in the past:\n (&b){+.+.}-{2:2}\n',
    );
  });

  it('adding safe -> unsafe reports HARDIRQ-safe -> HARDIRQ-unsafe lock order', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    const [A, B, C] = [rawSpin('&a'), rawSpin('&b'), rawSpin('&c')];
    v.acquire(t, C); // C: HARDIRQ-ON-W (unsafe)
    v.release(t, C);
    v.hardirqEnter(t);
    v.acquire(t, A); // A: IN-HARDIRQ-W (safe)
    v.release(t, A);
    v.hardirqExit(t);
    v.hardirqsOff(t);
    v.acquire(t, B);
    v.acquire(t, C); // B -> C: B carries no usage yet
    v.release(t, C);
    v.release(t, B);
    expect(v.reports()).toEqual([]);
    v.acquire(t, A);
    v.acquire(t, B); // A -> B -> C connects safe A to unsafe C
    const r = v.reports()[0]!;
    expect(r.kind).toBe('irq-order');
    const lines = r.text().split('\n');
    expect(lines[0]).toBe('='.repeat(53));
    expect(lines[1]).toBe('WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected');
    expect(r.text()).toContain('Chain exists of:\n  &a --> &b --> &c\n');
    expect(r.text()).toContain(
      'the dependencies between the lock to be acquired\n and HARDIRQ-irq-unsafe lock:\n',
    );
  });

  it('percpu (local_lock) classes are skipped in irq searches', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    const A = rawSpin('&a');
    const P = lockMap('&pcp->lock', { key: lockKey('__key.pcp'), wait: 'raw_spinlock', lockType: 'percpu' });
    v.acquire(t, P);
    v.release(t, P);
    v.hardirqEnter(t);
    v.acquire(t, A);
    v.release(t, A);
    v.hardirqExit(t);
    v.hardirqsOff(t);
    v.acquire(t, A);
    v.acquire(t, P);
    expect(v.reports()).toEqual([]);
  });
});

describe('wait context', () => {
  it('a mutex under a spinlock is an invalid wait context (context-{5:5})', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    v.acquire(t, lockMap('&s', { wait: 'spinlock' }));
    v.acquire(t, mutex('&m'));
    const r = v.reports()[0]!;
    expect(r.kind).toBe('invalid-wait-context');
    expect(r.text()).toContain(
      'other info that might help us debug this:\ncontext-{5:5}\n1 lock held by t/1:',
    );
  });

  it('a spinlock_t in hardirq is invalid (context-{2:2}), a raw spinlock is fine, threaded irqs allow it', () => {
    const v = new Validator({ keepGoing: true });
    const t = v.task('swapper/0', 0);
    v.hardirqEnter(t);
    v.acquire(t, rawSpin('&raw'));
    expect(v.reports()).toEqual([]);
    v.acquire(t, lockMap('&c->lock', { wait: 'spinlock' }));
    expect(v.reports()[0]?.text()).toContain('(&c->lock){....}-{3:3}');
    expect(v.reports()[0]?.text()).toContain('context-{2:2}\n');
    const w = new Validator();
    const u = w.task('irq/9-acpi', 90);
    w.hardirqEnter(u, { threaded: true });
    w.acquire(u, lockMap('&c->lock', { wait: 'spinlock' }));
    expect(w.reports()).toEqual([]);
  });

  it('a trylock and an unannotated map skip the wait check; rcu nests inside a spinlock', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    v.acquire(t, rawSpin('&raw'));
    v.acquire(t, mutex('&m'), { trylock: true });
    v.acquire(t, lockMap('unchecked'));
    v.acquire(t, lockMap('rcu_read_lock', { wait: 'rcu' }), { read: 2, check: false });
    expect(v.reports()).toEqual([]);
  });
});
