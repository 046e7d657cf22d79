import { describe, expect, it } from 'vitest';
import { expectedVerdict, resolveTarget } from '../../src/api/target.js';
import { LockstepError } from '../../src/core/errors.js';
import { kfunc } from '../../src/core/frames.js';
import { atomic, run } from '../../src/core/op.js';
import { Prng } from '../../src/core/prng.js';
import type { World } from '../../src/core/world.js';
import { DfsStrategy } from '../../src/explore/dfs.js';
import { execute } from '../../src/explore/execute.js';

describe('expected verdicts', () => {
  it('apply only to the scenario as stated', () => {
    expect(expectedVerdict(resolveTarget('falloc-dio', 'v6.6-rc7'))).toBe('deadlock');
    expect(expectedVerdict(resolveTarget('falloc-dio', 'v6.6', [], [['loops', '1']]))).toBe('ok');
    expect(
      expectedVerdict(resolveTarget('falloc-dio', 'v6.6', [['io_uring_dio_caller_comp', '1']])),
    ).toBeUndefined();
    expect(expectedVerdict(resolveTarget('falloc-dio', 'v6.6', [], [['loops', '2']]))).toBeUndefined();
  });
});

describe('Prng seeds', () => {
  it('keeps seeds that differ only above bit 32 apart', () => {
    const a = new Prng(0);
    const b = new Prng(2 ** 32);
    const sa = Array.from({ length: 8 }, () => a.nextU32());
    const sb = Array.from({ length: 8 }, () => b.nextU32());
    expect(sa).not.toEqual(sb);
  });
});

describe('model errors', () => {
  const buggy = kfunc(
    'fs/buggy.c',
    function* buggy_fn(_cx: { actor: import('../../src/core/actor.js').Actor }) {
      yield* run(atomic('a step', [], () => undefined));
      throw new Error('boom');
    },
  );
  it('name the model function that threw between ops', () => {
    const model = { build: (w: World) => void w.spawn('task', 'buggy', 7, (actor) => buggy({ actor })) };
    const s = new DfsStrategy();
    s.beginExecution();
    try {
      execute(model, s, 100);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(LockstepError);
      expect((e as LockstepError).code).toBe('E_MODEL_ERROR');
      expect((e as LockstepError).message).toContain('buggy/7 at buggy_fn (fs/buggy.c)');
      expect((e as LockstepError).message).toContain('boom');
    }
  });
});
