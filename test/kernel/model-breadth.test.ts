import { describe, expect, it } from 'vitest';
import { check, record } from '../../src/api/check.js';
import { decodeToken, resolveTarget } from '../../src/api/target.js';
import { atomic, run } from '../../src/core/op.js';
import { World } from '../../src/core/world.js';
import { DfsStrategy } from '../../src/explore/dfs.js';
import { execute } from '../../src/explore/execute.js';
import { explore } from '../../src/explore/explore.js';
import { Kernel } from '../../src/kernel/boot.js';
import { VARIANTS } from '../../src/kernel/config.js';
import { heldLocks } from '../../src/report/lockdep-lines.js';
import { problemReport } from '../../src/report/text.js';
import { spin_until } from '../../src/sync/wait.js';
import { spawnActor } from '../helpers/drive.js';

const LIMITS = { maxExecutions: 10_000, maxSteps: 1_000 };

describe('the extent map', () => {
  function file() {
    const world = new World();
    const k = new Kernel(world, VARIANTS[0]!.config, { fs: 'xfs', fileSize: 16384 });
    return k.sb.files.get('/mnt/xfs/file')!;
  }

  it('reports one state only when one kind of extent covers the whole range', () => {
    const ip = file();
    expect(ip.rangeState(0, 16384)).toBe('written');
    expect(ip.rangeState(16384, 512)).toBe('hole');
    expect(ip.rangeState(12288, 8192)).toBe('mixed');
    ip.setRange(4096, 4096, 'unwritten');
    expect(ip.extentMap()).toBe('[0,4096) written, [4096,8192) unwritten, [8192,16384) written');
    expect(ip.rangeState(4096, 512)).toBe('unwritten');
    expect(ip.rangeState(0, 8192)).toBe('mixed');
    ip.convertUnwritten(4096, 4096);
    expect(ip.extentMap()).toBe('[0,16384) written');
  });

  it('preallocates holes block by block, punches, and shifts for collapse and insert', () => {
    const ip = file();
    ip.preallocate(16384 + 100, 5000);
    expect(ip.extentMap()).toBe('[0,16384) written, [16384,24576) unwritten');
    ip.setRange(0, 4096, 'hole');
    expect(ip.rangeState(0, 4096)).toBe('hole');
    ip.shift(4096, -4096);
    expect(ip.extentMap()).toBe('[0,12288) written, [12288,20480) unwritten');
  });
});

describe('spinning retries and livelock', () => {
  it('holds a spinner until its condition, and reports a livelock when nothing else can run', () => {
    const model = {
      build(world: World) {
        const flag = { oid: world.oid(), name: 'flag', value: false };
        spawnActor(world, 'spinner', function* () {
          yield spin_until('retry (user space)', [flag], 'flag set', () => flag.value);
        });
      },
    };
    const r = explore(model, new DfsStrategy(), LIMITS);
    expect(r.found?.outcome.kind).toBe('livelock');
    const setter = {
      build(world: World) {
        const flag = { oid: world.oid(), name: 'flag', value: false };
        spawnActor(world, 'spinner', function* () {
          yield spin_until('retry (user space)', [flag], 'flag set', () => flag.value);
        });
        spawnActor(world, 'setter', function* () {
          yield* run(atomic('set flag', [flag], () => void (flag.value = true)));
        });
      },
    };
    const ok = explore(setter, new DfsStrategy(), LIMITS);
    expect(ok.found).toBeNull();
    expect(ok.complete).toBe(true);
  });

  it('shows the loop a livelocked task repeats: fallocate -EAGAIN on a DEFER_TASKRUN ring', () => {
    const r = check(resolveTarget('falloc-dio', 'fallocate-nowait', [], [['ring', 'defer']]));
    const text = problemReport(r.token!, r.execution!);
    expect(text).toContain('verdict: livelock: falloc-dio/502 retries forever');
    expect(text).toMatch(/falloc-dio\/502 repeats steps [\d, ]+ forever:\n {2}syscall fallocate/);
    expect(text).toContain('inode_dio_wait: atomic_read(&inode->i_dio_count)  -- i_dio_count = 1');
    expect(text).toContain('local work list');
  });
});

describe('ext4 (reference 6)', () => {
  it("hangs S1 in ext4_fallocate holding only sb_writers#7 and i_mutex_key#13, as in Andres Freund's report", () => {
    const r = check(resolveTarget('falloc-dio', 'v6.6-rc7', [], [['fs', 'ext4']]));
    const ex = r.execution!;
    const task = ex.world.actors.find((a) => a.label === 'falloc-dio/502')!;
    expect(task.frames.map((f) => f.name)).toEqual(
      expect.arrayContaining(['ext4_fallocate', 'inode_dio_wait', 'vfs_fallocate']),
    );
    expect(heldLocks(task).map((h) => `${h.lock.name} ${h.read ? 'R' : 'W'}`)).toEqual([
      'sb_writers#7 R',
      '&sb->s_type->i_mutex_key#13 W',
    ]);
  });

  it('drains direct I/O in truncate only when it shrinks the file', () => {
    // Growing (no drain) cannot hang; shrinking (op=truncate) does on v6.6-rc7.
    const shrink = check(
      resolveTarget(
        'falloc-dio',
        'v6.6-rc7',
        [],
        [
          ['fs', 'ext4'],
          ['op', 'truncate'],
        ],
      ),
    );
    const task = shrink.execution!.world.actors.find((a) => a.label === 'falloc-dio/502')!;
    expect(task.frames.map((f) => f.name)).toEqual(
      expect.arrayContaining(['do_truncate', 'notify_change', 'ext4_setattr', 'inode_dio_wait']),
    );
  });
});

describe('io-wq and signals', () => {
  it('punts the unaligned write of S4 to an iou-wrk worker that drains in-flight direct I/O', () => {
    const target = resolveTarget('unaligned-dio', 'v6.6-rc7');
    const strategy = new DfsStrategy();
    let drained = 0;
    for (let n = 0; n < 200 && strategy.beginExecution(); n++) {
      const ex = execute({ build: (w) => modelOfBuild(target, w) }, strategy, 10_000, true);
      strategy.endExecution(ex.schedule.length);
      const worker = ex.world.actors.find((a) => a.comm === 'iou-wrk-506');
      expect(worker, 'every execution punts W2 to io-wq').toBeDefined();
      if (ex.world.trace!.some((s) => s.actor === worker!.id && s.label.startsWith('__inode_dio_wait')))
        drained++;
    }
    expect(drained).toBeGreaterThan(0);
  });

  it('leaves SIGKILL pending on a task in D state: the hung-task flags show TIF_SIGPENDING', () => {
    const r = check(resolveTarget('falloc-dio', 'v6.6-rc7', [], [['signal', 'kill']]));
    const text = problemReport(r.token!, r.execution!);
    expect(text).toMatch(/task:falloc-dio +state:D .* flags:0x00020004/);
    expect(text).toContain('not even SIGKILL ends a TASK_UNINTERRUPTIBLE sleep');
  });

  it('turns -ERESTARTSYS into -EINTR for a handler without SA_RESTART, and restarts with it', () => {
    const eintr = check(resolveTarget('falloc-dio', 'dio-wait-interruptible', [], [['signal', 'usr1']]));
    expect(eintr.explore.found?.outcome).toMatchObject({
      kind: 'assertion',
      message: 'fallocate failed: -4',
    });
    const { target, schedule } = decodeToken(eintr.token!);
    expect(record(target, schedule).outcome).toEqual(eintr.explore.found!.outcome);
    const restart = check(
      resolveTarget('falloc-dio', 'dio-wait-interruptible', [], [['signal', 'usr1-restart']]),
    );
    expect(restart.explore.found).toBeNull();
    expect(restart.explore.complete).toBe(true);
  });
});

function modelOfBuild(target: ReturnType<typeof resolveTarget>, world: World): void {
  const k = new Kernel(world, target.config, target.scenario.setup(target.params));
  for (const t of target.scenario.tasks(target.params)) k.spawnUserTask(t.comm, t.pid, t.program);
}
