import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SIGKILL, ThreadInfo } from '../../src/sync/thread-info.js';

const TIF_SIGPENDING = 2;
const TIF_NOTIFY_SIGNAL = 17;

describe('ThreadInfo', () => {
  it('starts with nothing pending and is named after its task', () => {
    const ti = new ThreadInfo(7, 'fio');
    expect(ti.oid).toBe(7);
    expect(ti.name).toBe('fio.thread_info');
    expect([ti.notifySignal, ti.sigpending, ti.kicked, ti.signals.size]).toEqual([false, false, false, 0]);
    expect(ti.flags()).toBe(0);
    expect(ti.signal_pending()).toBe(false);
    expect(ti.task_sigpending()).toBe(false);
    expect(ti.fatal_signal_pending()).toBe(false);
  });

  it('flags() sets bit 2 for TIF_SIGPENDING and bit 17 for TIF_NOTIFY_SIGNAL', () => {
    const ti = new ThreadInfo(1, 't');
    ti.sigpending = true;
    expect(ti.flags()).toBe(0x4);
    ti.notifySignal = true;
    expect(ti.flags()).toBe(0x20004);
    ti.sigpending = false;
    expect(ti.flags()).toBe(0x20000);
    // The kick and the signal set are not thread flags.
    ti.kicked = true;
    ti.signals.add(SIGKILL);
    expect(ti.flags()).toBe(0x20000);
  });

  it('TIF_NOTIFY_SIGNAL makes signal_pending true but not task_sigpending', () => {
    const ti = new ThreadInfo(1, 't');
    ti.notifySignal = true;
    expect(ti.signal_pending()).toBe(true);
    expect(ti.task_sigpending()).toBe(false);
    expect(ti.fatal_signal_pending()).toBe(false);
  });

  it('TIF_SIGPENDING makes both true; fatal only with SIGKILL queued', () => {
    const ti = new ThreadInfo(1, 't');
    ti.sigpending = true;
    expect([ti.signal_pending(), ti.task_sigpending(), ti.fatal_signal_pending()]).toEqual([
      true,
      true,
      false,
    ]);
    ti.signals.add(SIGKILL);
    expect(ti.fatal_signal_pending()).toBe(true);
    expect(SIGKILL).toBe(9);
  });

  it('agrees with the flag bits for every combination', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.boolean(), (notify, pending, killed) => {
        const ti = new ThreadInfo(1, 't');
        ti.notifySignal = notify;
        ti.sigpending = pending;
        if (killed) ti.signals.add(SIGKILL);
        const f = ti.flags();
        expect((f >> TIF_SIGPENDING) & 1).toBe(pending ? 1 : 0);
        expect((f >> TIF_NOTIFY_SIGNAL) & 1).toBe(notify ? 1 : 0);
        expect(f & ~((1 << TIF_SIGPENDING) | (1 << TIF_NOTIFY_SIGNAL))).toBe(0);
        expect(ti.signal_pending()).toBe(f !== 0);
        expect(ti.task_sigpending()).toBe(((f >> TIF_SIGPENDING) & 1) === 1);
        expect(ti.fatal_signal_pending()).toBe(pending && killed);
      }),
    );
  });
});
