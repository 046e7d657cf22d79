import { ModelAssertion } from '../core/errors.js';
import type { Kcx } from '../kernel/sched.js';
import { drainOp, FS_PARAM, loopsParam, machine, OP_PARAM } from './common.js';
import { choiceParam, intParam, type Params, type Scenario, type UserTask } from './scenario.js';
import { openDirect, pwrite } from './user/libc.js';

function* pwrites(cx: Kcx, fd: number, p: Params) {
  for (let i = 0; i < intParam(p, 'loops'); i++) {
    const n = yield* pwrite(cx, fd, 4096, i * 4096);
    if (n !== 4096) throw new ModelAssertion(`pwrite returned ${n}, expected 4096`);
  }
}

function* drains(cx: Kcx, fd: number, p: Params) {
  for (let i = 0; i < intParam(p, 'loops'); i++) {
    const err = yield* drainOp(cx, fd, p, i);
    if (err) throw new ModelAssertion(`${p['op']} failed: ${err}`);
  }
}

/** Reference S5, same thread: synchronous pwrite(O_DIRECT), then fallocate, no io_uring. */
function* pwriteFalloc(cx: Kcx, p: Params) {
  const fd = yield* openDirect(cx);
  for (let i = 0; i < intParam(p, 'loops'); i++) {
    const n = yield* pwrite(cx, fd, 4096, i * 4096);
    if (n !== 4096) throw new ModelAssertion(`pwrite returned ${n}, expected 4096`);
    const err = yield* drainOp(cx, fd, p, i);
    if (err) throw new ModelAssertion(`${p['op']} failed: ${err}`);
  }
}

/** S5: a synchronous direct write completes (inode_dio_end) before pwrite returns. */
export const pwriteFallocScenario: Scenario = {
  name: 'pwrite-falloc',
  summary: 'S5: synchronous O_DIRECT pwrite and fallocate on one file, no io_uring',
  params: [
    loopsParam('iterations of pwrite, fallocate'),
    FS_PARAM,
    OP_PARAM,
    {
      name: 'threads',
      doc: 'same: one thread does both; other: one thread writes, another fallocates',
      default: 'same',
      values: ['same', 'other'],
    },
  ],
  expect: { 'v6.6-rc7': 'ok', 'v6.6': 'ok', 'dio-wait-interruptible': 'ok', 'fallocate-nowait': 'ok' },
  setup: machine,
  tasks: (p): UserTask[] => {
    if (choiceParam(p, 'threads') === 'same') {
      return [{ comm: 'pwrite-falloc', pid: 504, program: (cx) => pwriteFalloc(cx, p) }];
    }
    return [
      {
        comm: 'pwrite',
        pid: 504,
        program: function* (cx) {
          yield* pwrites(cx, yield* openDirect(cx), p);
        },
      },
      {
        comm: 'falloc',
        pid: 505,
        program: function* (cx) {
          yield* drains(cx, yield* openDirect(cx), p);
        },
      },
    ];
  },
};
