import { ModelAssertion } from '../core/errors.js';
import type { Kcx } from '../kernel/sched.js';
import type { Params, Scenario } from './scenario.js';
import { MiB, openDirect, posix_fallocate, pwrite } from './user/libc.js';

/** Reference S5: synchronous pwrite(O_DIRECT), then fallocate, no io_uring. */
function* pwriteFalloc(cx: Kcx, p: Params) {
  const fd = yield* openDirect(cx);
  for (let i = 0; i < p['loops']!; i++) {
    const n = yield* pwrite(cx, fd, 4096, i * 4096);
    if (n !== 4096) throw new ModelAssertion(`pwrite returned ${n}, expected 4096`);
    const err = yield* posix_fallocate(cx, fd, 0, (i + 1) * 4096);
    if (err) throw new ModelAssertion(`posix_fallocate failed: ${err}`);
  }
}

/** S5: a synchronous direct write completes (inode_dio_end) before pwrite returns. */
export const pwriteFallocScenario: Scenario = {
  name: 'pwrite-falloc',
  summary: 'synchronous O_DIRECT pwrite, then fallocate, no io_uring (reference S5)',
  params: [{ name: 'loops', doc: 'iterations of pwrite, fallocate', default: 1, min: 1, max: 8 }],
  expect: { 'v6.6-rc7': 'ok', 'v6.6': 'ok' },
  setup: () => ({ fs: 'xfs', fileSize: 128 * MiB }),
  tasks: (p) => [{ comm: 'pwrite-falloc', pid: 504, program: (cx) => pwriteFalloc(cx, p) }],
};
