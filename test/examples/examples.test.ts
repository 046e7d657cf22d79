import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, lockstep } from '../helpers/cli.js';

// Every example runs through the CLI, as the tutorial tells a user to run it: the verdict of each
// model it exports, the exit status, and the lines of the report a reader looks for.

beforeAll(ensureBuilt, 120_000);

interface Case {
  readonly file: string;
  readonly args?: readonly string[];
  readonly status: number;
  readonly contains: readonly (string | RegExp)[];
}

const CASES: readonly Case[] = [
  {
    file: 'abba.ts',
    status: 1,
    contains: [
      /^replay: abba#\w{4}@plain:\w+:\w{4}\n/,
      'verdict: deadlock: 2 tasks hung (t1/101 in t1, state D; t2/102 in t2, state D)',
      'Wait-for cycle: t1/101 -> t2/102 -> t1/101.',
      '#0: ffff888100000040 (A){+.+.}-{3:3}, at: t1',
    ],
  },
  {
    file: 'abba.ts',
    args: ['--config', 'lockdep=1'],
    status: 1,
    contains: ['verdict: lockdep: possible circular locking dependency detected (t2/102)'],
  },
  {
    file: 'aa.ts',
    status: 1,
    contains: [
      'verdict: deadlock: 1 task hung (ioctl/101 in dev_update_stats, state D)',
      'So ioctl/101 waits for itself',
      ' dev_update_stats\n ioctl\n',
    ],
  },
  {
    file: 'completion-under-lock.ts',
    status: 1,
    contains: [
      'verdict: deadlock: 2 tasks hung (waiter/101 in waiter, state D; completer/102 in completer, state D)',
      'until dev->done is completed',
      'model completion-dropped-lock: ok: no deadlock and no failed assertion in any schedule',
    ],
  },
  {
    file: 'lost-wakeup.ts',
    status: 1,
    contains: [
      'verdict: deadlock: 1 task hung (waiter/101 in waiter, state D)',
      'READ_ONCE(dev->ready)',
      'wake_up(dev->wq)',
      'model wait-event: ok: no deadlock and no failed assertion in any schedule',
      'complete: every schedule explored',
    ],
  },
  {
    file: 'lost-wakeup.ts#wait-event',
    status: 0,
    contains: [/^model wait-event: ok/],
  },
  {
    file: 'thread-pool.ts',
    status: 1,
    contains: [
      'verdict: deadlock: 2 tasks hung (kworker/0:1/201 in process_one_work, state D; submitter/101 in submitter, state D)',
    ],
  },
  {
    file: 'thread-pool.ts',
    args: ['--param', 'workers=2'],
    status: 0,
    contains: ['model thread-pool (workers=2): ok'.replace(' (workers=2)', ',workers=2')],
  },
  {
    file: 'flush-work.ts',
    status: 1,
    contains: [
      'verdict: deadlock: 2 tasks hung (kworker/0:1/201 in dev_stats_work, state D; rmmod/102 in dev_remove, state D)',
      'Wait-for cycle:',
      'model flush-then-lock: ok',
    ],
  },
  {
    file: 'flush-work.ts#flush-under-lock',
    args: ['--config', 'lockdep=1'],
    status: 1,
    contains: [
      'verdict: lockdep: possible circular locking dependency detected (rmmod/102)',
      'ffff8881000000c0 ((work_completion)(dev->stats_work)){+.+.}-{0:0}, at: dev_remove',
      '  lock((work_completion)(dev->stats_work));',
    ],
  },
  {
    file: 'lost-update.ts',
    status: 1,
    contains: ['verdict: assertion failed in atEnd/0: count is 1 after two increments'],
  },
  {
    file: 'kernel-scenario.ts',
    status: 1,
    contains: [
      /^replay: my-falloc-dio#\w{4}@v6\.6-rc7:\w+:\w{4}\n/,
      'verdict: deadlock: 1 task hung (my-falloc/700 in __inode_dio_wait, state D)',
      'my-falloc-dio on v6.6: ok: no deadlock and no failed assertion in any schedule',
    ],
  },
  {
    file: 'kernel-scenario.ts',
    args: ['--kernel', 'v6.6'],
    status: 0,
    contains: [/^my-falloc-dio on v6\.6: ok/],
  },
  {
    file: 'polite-backoff.ts',
    args: ['--livelock-bound', '60'],
    status: 1,
    contains: [
      'verdict: livelock: t1/101, t2/102 ran 60 steps without progress, repeating a cycle of 6 steps',
      `these 6 steps repeat forever (the schedule repeats them from step 31 on; no progress since step 1):
     55  t1/101  mutex_trylock(B)
     56  t2/102  mutex_unlock(B)
     57  t1/101  mutex_unlock(A)
     58  t2/102  mutex_lock(B)
     59  t1/101  mutex_lock(A)
     60  t2/102  mutex_trylock(A)
`,
    ],
  },
];

describe('examples', () => {
  for (const c of CASES) {
    it(`lockstep check examples/${c.file} ${(c.args ?? []).join(' ')}`, () => {
      const r = lockstep('check', `examples/${c.file}`, ...(c.args ?? []));
      expect(r.stderr).toBe('');
      expect(r.status).toBe(c.status);
      for (const s of c.contains) {
        if (typeof s === 'string') expect(r.stdout).toContain(s);
        else expect(r.stdout).toMatch(s);
      }
    });
  }

  for (const file of ['abba.ts', 'kernel-scenario.ts']) {
    it(`replays a token of examples/${file} with --model, byte for byte`, () => {
      const r = lockstep('check', `examples/${file}`);
      const token = /^replay: (\S+)/.exec(r.stdout)![1]!;
      const again = lockstep('replay', token, '--model', `examples/${file}`);
      expect(again.stderr).toBe('');
      expect(again.status).toBe(1);
      expect(r.stdout.startsWith(again.stdout)).toBe(true);
    });
  }
});
