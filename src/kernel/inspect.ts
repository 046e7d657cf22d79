// Snapshots of the kernel model's state for the trace viewer: what each task holds and has
// queued, and the shared state a deadlock turns on (i_dio_count, bios in flight, CQEs). Taken only
// on an inspecting world (World.observe; `record()` for reports), so exploration never pays for them.

import type { Actor, ActorStatus } from '../core/actor.js';
import type { SleepState } from '../core/op.js';
import { defineSlot, type World } from '../core/world.js';
import type { Kernel } from './boot.js';

/** A lock an actor holds, as the viewer lists it. */
export interface HeldSnapshot {
  readonly name: string;
  readonly oid: number;
  readonly read: boolean;
  /** The function that took it (lockdep's `at:`). */
  readonly site: string;
}

/** What a blocked actor waits for. */
export interface WaitSnapshot {
  readonly state: SleepState;
  readonly object: string;
  readonly oid: number;
  readonly until: string;
  readonly wokenBy: string;
}

/** One actor at one moment. */
export interface ActorSnapshot {
  readonly status: ActorStatus;
  /** Innermost model function, or null outside any. */
  readonly in: string | null;
  readonly wait: WaitSnapshot | null;
  readonly held: readonly HeldSnapshot[];
  /** task->task_works, newest first (tasks only). */
  readonly taskWork: readonly string[];
  /** The io_uring requests on the task's tctx list or its ring's local work list. */
  readonly ioUringWork: readonly string[];
  /** Thread flags set (TIF_NOTIFY_SIGNAL, TIF_SIGPENDING). */
  readonly flags: readonly string[];
}

/** A counter such as an inode's i_dio_count, with what still owes a decrement. */
export interface CounterSnapshot {
  readonly name: string;
  readonly oid: number;
  readonly value: number;
  /** Each outstanding obligation: what owes the decrement and where it waits. */
  readonly owed: readonly string[];
}

/** A queue of items (bios in flight, work items, CQEs), by name. */
export interface QueueSnapshot {
  readonly name: string;
  readonly oid: number;
  readonly items: readonly string[];
}

/** The kernel's state after one step (or before the first). */
export interface KernelSnapshot {
  /** By actor id; actors spawned later are absent from earlier snapshots. */
  readonly actors: readonly ActorSnapshot[];
  readonly counters: readonly CounterSnapshot[];
  /** Bios in flight per block device. */
  readonly bios: readonly QueueSnapshot[];
  /** Pending work per workqueue and io-wq. */
  readonly work: readonly QueueSnapshot[];
  /** Posted CQEs per ring. */
  readonly cqes: readonly QueueSnapshot[];
}

const snapshotSlot = defineSlot<KernelSnapshot[]>(() => []);

/** The snapshots of a recorded world: index 0 before the first step, index i after step i. */
export function snapshotsOf(world: World): readonly KernelSnapshot[] {
  return world.slot(snapshotSlot);
}

/** Makes an inspecting world keep a snapshot of `k` before the first step and after each step. */
export function inspectKernel(k: Kernel): void {
  const list = k.world.slot(snapshotSlot);
  k.world.observe(() => list.push(snapshotKernel(k)));
}

function actorSnapshot(k: Kernel, a: Actor): ActorSnapshot {
  const task = k.tasks.get(a.id) ?? null;
  const op = a.pending;
  const w = op && !op.enabled() ? (op.wait ?? null) : null;
  const tctx = task?.io_uring ?? null;
  const ring = tctx?.ring ?? null;
  const flags: string[] = [];
  if (task?.ti.notifySignal) flags.push('TIF_NOTIFY_SIGNAL');
  if (task?.ti.sigpending) flags.push('TIF_SIGPENDING');
  const reqName = (r: { sqe: { user_data: number } }) => `io_req_rw_complete (user_data ${r.sqe.user_data})`;
  return {
    status: a.status(),
    in: a.frames[a.frames.length - 1]?.name ?? null,
    wait: w
      ? { state: w.state, object: w.object.name, oid: w.object.oid, until: w.until, wokenBy: w.wokenBy }
      : null,
    held: a.held.map((h) => ({ name: h.lock.name, oid: h.lock.oid, read: h.read, site: h.site })),
    taskWork: task ? task.task_works.works.map((w) => w.name) : [],
    ioUringWork: [
      ...(tctx?.task_list ?? []).map(reqName),
      ...(ring && ring.submitter_task === task ? ring.work_llist.map(reqName) : []),
    ],
    flags,
  };
}

/** The state of the kernel now. */
export function snapshotKernel(k: Kernel): KernelSnapshot {
  const counters: CounterSnapshot[] = [];
  for (const ino of k.sb.files.values()) {
    const c = ino.i_dio_count;
    counters.push({
      name: `${ino.name} ${c.name}`,
      oid: c.oid,
      value: c.value,
      owed: [...c.owed].map((o) => `${o.what}, which ${o.where}`),
    });
  }
  const work: QueueSnapshot[] = [];
  const wq = k.sb.s_dio_done_wq;
  work.push({ name: wq.name, oid: wq.oid, items: wq.pending.map((w) => w.name) });
  const cqes: QueueSnapshot[] = [];
  for (const task of k.tasks.values()) {
    const io = task.io_uring;
    if (io?.io_wq) {
      work.push({
        name: io.io_wq.name,
        oid: io.io_wq.oid,
        items: io.io_wq.work_list.map((r) => `io_wq_submit_work (user_data ${r.sqe.user_data})`),
      });
    }
    if (io?.ring) {
      const items = io.ring.cq.map((c) => `user_data ${c.user_data}, res ${c.res}`);
      cqes.push({ name: `CQ ring of ${io.ring.name}`, oid: io.ring.oid, items });
    }
  }
  const bdev = k.bdev;
  return {
    actors: k.world.actors.map((a) => actorSnapshot(k, a)),
    counters,
    bios: [{ name: bdev.name, oid: bdev.oid, items: bdev.inflight.map((b) => b.what) }],
    work,
    cqes,
  };
}
