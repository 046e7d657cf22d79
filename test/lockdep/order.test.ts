import { describe, expect, it } from 'vitest';
import { lockKey, lockMap, MAX_LOCK_DEPTH, type Task, Validator } from '../../src/lockdep/index.js';
import { mutex } from './fixtures.js';

const [A, B, C, D] = ['A', 'B', 'C', 'D'].map((n) => mutex(n)) as [
  ReturnType<typeof mutex>,
  ReturnType<typeof mutex>,
  ReturnType<typeof mutex>,
  ReturnType<typeof mutex>,
];

/** Takes the maps in order, then releases them in reverse. */
function nest(v: Validator, t: Task, ...maps: ReturnType<typeof mutex>[]): void {
  for (const m of maps) v.acquire(t, m);
  for (const m of [...maps].reverse()) v.release(t, m);
}

describe('recursion (AA)', () => {
  it('reports taking a held class again, naming the class', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    v.acquire(t, A);
    v.acquire(t, A);
    expect(v.reports().map((r) => [r.kind, r.classes])).toEqual([['recursive', ['A']]]);
  });

  it('reports two instances of one class (same key)', () => {
    const key = lockKey('__key.inode');
    const i1 = lockMap('&inode->i_rwsem', { key, wait: 'rwsem' });
    const i2 = lockMap('&inode->i_rwsem', { key, wait: 'rwsem' });
    const v = new Validator();
    const t = v.task('t', 1);
    v.acquire(t, i1);
    v.acquire(t, i2);
    expect(v.reports()[0]?.kind).toBe('recursive');
  });

  it('a different subclass (lock_nested) is a different class and is silent', () => {
    const key = lockKey('__key.inode');
    const i1 = lockMap('&inode->i_rwsem', { key, wait: 'rwsem' });
    const i2 = lockMap('&inode->i_rwsem', { key, wait: 'rwsem' });
    const v = new Validator();
    const t = v.task('t', 1);
    v.acquire(t, i1);
    v.acquire(t, i2, { subclass: 1 });
    expect(v.reports()).toEqual([]);
    expect(v.edges()).toEqual([{ from: '&inode->i_rwsem', to: '&inode->i_rwsem/1', kinds: 'EN' }]);
  });
});

describe('circular dependencies', () => {
  it('ABBA across two tasks: #1 is the held lock, #0 the one being acquired, no chain line', () => {
    const v = new Validator();
    nest(v, v.task('t1', 1), A, B);
    const t2 = v.task('t2', 2);
    v.acquire(t2, B);
    v.acquire(t2, A);
    const [r] = v.reports();
    expect(r?.kind).toBe('circular');
    expect(r?.classes).toEqual(['A', 'B']);
    const text = r!.text();
    expect(text).toMatch(/-> #1 \(B\)\{\+\.\+\.\}-\{4:4\}:\n {7}B\n\n-> #0 \(A\)/);
    expect(text).not.toContain('Chain exists of:');
    expect(text).toContain(
      '  lock(B);\n                               lock(A);\n                               lock(B);\n  lock(A);',
    );
  });

  it('a three-lock cycle prints the chain and all three entries', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    nest(v, t, A, B);
    nest(v, t, B, C);
    v.acquire(t, C);
    v.acquire(t, A);
    const r = v.reports()[0]!;
    expect(r.classes).toEqual(['A', 'B', 'C']);
    expect(r.text()).toContain('Chain exists of:\n  A --> B --> C\n');
    expect(r.text()).toMatch(/-> #2 \(C\)[\s\S]*-> #1 \(B\)[\s\S]*-> #0 \(A\)/);
  });

  it('a four-lock cycle names the lock before the held one as the chain middle', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    nest(v, t, A, B);
    nest(v, t, B, C);
    nest(v, t, C, D);
    v.acquire(t, D);
    v.acquire(t, A);
    const r = v.reports()[0]!;
    expect(r.classes).toEqual(['A', 'B', 'C', 'D']);
    expect(r.text()).toContain('  A --> C --> D\n');
  });

  it('chooses the shortest cycle when a longer one exists too', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    nest(v, t, A, B);
    nest(v, t, B, C);
    nest(v, t, C, D);
    nest(v, t, A, D); // the short way round
    v.acquire(t, D);
    v.acquire(t, A);
    expect(v.reports()[0]?.classes).toEqual(['A', 'D']);
  });

  it('a consistent order stays silent and records each edge once', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    for (let i = 0; i < 3; i++) nest(v, t, A, B, C);
    expect(v.reports()).toEqual([]);
    expect(v.edges()).toEqual([
      { from: 'A', to: 'B', kinds: 'EN' },
      { from: 'B', to: 'C', kinds: 'EN' },
    ]);
  });
});

describe('chain cache', () => {
  it('a repeated sequence hits the cache and does no graph search', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    nest(v, t, A, B, C);
    const before = v.stats();
    expect(before.graphSearches).toBeGreaterThan(0);
    nest(v, t, A, B, C);
    const after = v.stats();
    expect(after.graphSearches).toBe(before.graphSearches);
    expect(after.chainHits - before.chainHits).toBe(3);
    expect(after.chains).toBe(before.chains);
  });

  it('the read state is part of the chain key (R-L then L-W is a new chain and is checked)', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    v.acquire(t, A, { read: 1 });
    v.acquire(t, B);
    v.release(t, B);
    v.release(t, A);
    const searches = v.stats().graphSearches;
    v.acquire(t, A);
    v.acquire(t, B);
    expect(v.stats().graphSearches).toBeGreaterThan(searches);
    expect(v.edges()).toEqual([{ from: 'A', to: 'B', kinds: 'SN|EN' }]);
  });
});

describe('trylock', () => {
  it('a trylock adds no edge from the held lock, so the reverse order is silent', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    v.acquire(t, A);
    v.acquire(t, B, { trylock: true });
    v.release(t, B);
    v.release(t, A);
    expect(v.edges()).toEqual([]);
    nest(v, t, B, A);
    expect(v.reports()).toEqual([]);
  });

  it('a lock taken after a trylock gets edges from the trylock and from the lock below it', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    v.acquire(t, A);
    v.acquire(t, B, { trylock: true });
    v.acquire(t, C);
    expect(v.edges()).toEqual([
      { from: 'A', to: 'C', kinds: 'EN' },
      { from: 'B', to: 'C', kinds: 'EN' },
    ]);
  });

  it('a trylock of a held class is not a recursion report', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    v.acquire(t, A);
    v.acquire(t, A, { trylock: true });
    expect(v.reports()).toEqual([]);
  });
});

describe('nest_lock', () => {
  const key = lockKey('__key.child');
  const parent = mutex('&parent->lock');
  const kids = [1, 2, 3].map(() => lockMap('&child->lock', { key, wait: 'mutex' }));

  it('many instances of one class under their nest lock are silent and merge into one entry', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    v.acquire(t, parent);
    for (const k of kids) v.acquire(t, k, { nestLock: parent });
    expect(v.reports()).toEqual([]);
    expect(t.held).toHaveLength(2);
    expect(t.held[1]?.references).toBe(3); // kernel: 0 -> 1 + 1 -> +1
    for (const k of kids) v.release(t, k);
    expect(t.held).toHaveLength(1);
    v.release(t, parent);
    expect(v.reports()).toEqual([]);
  });

  it('the same nesting without the annotation is recursion', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    v.acquire(t, parent);
    v.acquire(t, kids[0]!);
    v.acquire(t, kids[1]!);
    expect(v.reports()[0]?.kind).toBe('recursive');
  });

  it('a nest lock held below another lock still protects the class', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    v.acquire(t, parent);
    v.acquire(t, kids[0]!, { nestLock: parent });
    v.acquire(t, A);
    v.acquire(t, kids[1]!, { nestLock: parent });
    expect(v.reports()).toEqual([]);
  });

  it('a nest lock that is not held is reported', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    v.acquire(t, kids[0]!, { nestLock: parent });
    const r = v.reports()[0]!;
    expect(r.kind).toBe('nested-lock-not-held');
    expect(r.text()).toContain('but this task is not holding:\n&parent->lock\n');
  });
});

describe('held-lock stack', () => {
  it('releasing a lock below the top re-acquires the ones above and records their new order', () => {
    const v = new Validator();
    const t = v.task('t', 1);
    v.acquire(t, A);
    v.acquire(t, B);
    v.acquire(t, C);
    v.release(t, B);
    expect(t.held.map((h) => h.map.name)).toEqual(['A', 'C']);
    expect(v.edges()).toContainEqual({ from: 'A', to: 'C', kinds: 'EN' });
    expect(v.reports()).toEqual([]);
  });

  it(`holding ${MAX_LOCK_DEPTH - 1} locks is fine; the ${MAX_LOCK_DEPTH}th reports MAX_LOCK_DEPTH`, () => {
    const maps = Array.from({ length: MAX_LOCK_DEPTH }, (_, i) => mutex(`&l${i}`));
    const v = new Validator();
    const t = v.task('deep', 9);
    for (const m of maps.slice(0, -1)) v.acquire(t, m);
    expect(v.reports()).toEqual([]);
    v.acquire(t, maps[MAX_LOCK_DEPTH - 1]!);
    const r = v.reports()[0]!;
    expect(r.kind).toBe('max-depth');
    const lines = r.text().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'BUG: MAX_LOCK_DEPTH too low!',
      'turning off the locking correctness validator.',
      'depth: 48  max: 48!',
      '48 locks held by deep/9:',
    ]);
    expect(lines).toContain('INFO: lockdep is turned off.');
    expect(v.enabled).toBe(false);
  });
});
