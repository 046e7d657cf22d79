// The pieces every lockdep report is made of (kernel/locking/lockdep.c: print_kernel_ident,
// print_lock_name, print_lock, lockdep_print_held_locks, print_lock_trace; lib/dump_stack.c).

import {
  type ClassRegistry,
  className,
  type LockClass,
  type LockMap,
  type Trace,
  waitPair,
} from './class.js';
import type { HeldLock, Task } from './held.js';
import { usageChars } from './usage.js';

/** The kernel identity printed under each headline and in `CPU:` lines. */
export interface KernelIdent {
  /** `init_utsname()->release`, e.g. `6.6.0-rc7`. */
  readonly release: string;
  /** The build number part of the version, e.g. `#1`. */
  readonly build: string;
  /** `Not tainted` or `Tainted: G        W`. */
  readonly taint: string;
  /** `Hardware name:` line contents, omitted when undefined. */
  readonly hardware: string | undefined;
}

/** The default identity: the v6.6-rc7 kernel of the flagship case. */
export const DEFAULT_IDENT: KernelIdent = {
  release: '6.6.0-rc7',
  build: '#1',
  taint: 'Not tainted',
  hardware: undefined,
};

function hex(n: bigint): string {
  return n.toString(16).padStart(16, '0');
}

/** FNV-1a, for stable fake text addresses of call sites. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Formats classes, locks, held-lock lists, traces and dump_stack output for one validator. */
export class Printer {
  constructor(
    private readonly registry: ClassRegistry,
    readonly ident: KernelIdent,
  ) {}

  /** print_kernel_ident: `6.6.0-rc7 #1 Not tainted`. */
  identLine(): string {
    return `${this.ident.release} ${this.ident.build} ${this.ident.taint}`;
  }

  /** The banner, headline, ident and rule; `width` overrides the headline length (fixed kernel widths). */
  banner(headline: string, width = headline.length): string[] {
    return ['='.repeat(width), headline, this.identLine(), '-'.repeat(width)];
  }

  /** __print_lock_name: `name#version/subclass`. */
  name(cls: LockClass): string {
    return className(cls);
  }

  /** print_lock_name: ` (name){usage}-{outer:inner}` (with the kernel's leading space). */
  lockName(cls: LockClass): string {
    return ` (${className(cls)}){${usageChars(cls.usageMask)}}-${waitPair(cls)}`;
  }

  /** A map's fake instance address, as `%px` prints it. */
  address(map: LockMap): string {
    return hex(this.registry.mapAddress(map));
  }

  /** A class key's fake address. */
  keyAddress(cls: LockClass): string {
    return hex(this.registry.keyAddress(cls.key));
  }

  /** The key's symbol (`%pS` of class->key). */
  keySymbol(cls: LockClass): string {
    return cls.key.kind === 'key' ? cls.key.symbol : cls.key.name;
  }

  /** print_lock: `<addr> (name){usage}-{o:i}, at: <site>`. */
  lock(h: Pick<HeldLock, 'map' | 'cls' | 'site'>): string {
    return `${this.address(h.map)}${this.lockName(h.cls)}, at: ${h.site}`;
  }

  /** lockdep_print_held_locks. */
  heldLocks(task: Task): string[] {
    const n = task.held.length;
    if (n === 0) return [`no locks held by ${task.label}.`];
    return [
      `${n} lock${n > 1 ? 's' : ''} held by ${task.label}:`,
      ...task.held.map((h, i) => ` #${i}: ${this.lock(h)}`),
    ];
  }

  /** print_lock_trace(trace, spaces): one frame per line indented by 1 + spaces. */
  trace(trace: Trace, spaces: number): string[] {
    const pad = ' '.repeat(spaces + 1);
    return trace.map((f) => pad + f);
  }

  /** A stable fake text address for a call site. */
  siteAddress(site: string): string {
    return hex(0xffffffff81000000n + BigInt(fnv1a(site) & 0xfffff0));
  }

  /** print_ip_sym: `[<addr>] site`. */
  ipSym(site: string): string {
    return `[<${this.siteAddress(site)}>] ${site}`;
  }

  /** dump_stack: the `CPU:` line, hardware name, and the call trace in `<TASK>` brackets. */
  dumpStack(task: Task, trace: Trace): string[] {
    const lines = [
      `CPU: ${task.cpu} PID: ${task.pid} Comm: ${task.comm.slice(0, 20)} ${this.ident.taint} ${this.ident.release} ${this.ident.build}`,
    ];
    if (this.ident.hardware !== undefined) lines.push(`Hardware name: ${this.ident.hardware}`);
    lines.push('Call Trace:', ' <TASK>', ...this.trace(trace, 0), ' </TASK>');
    return lines;
  }

  /** The `[HC0[0]:SC0[0]:HE1:SE1]` irq-state tag. */
  irqState(task: Task): string {
    const hc = task.hardirqCount > 0 ? 1 : 0;
    const sc = task.softirqCount > 0 ? 1 : 0;
    const he = task.hardirqsEnabled ? 1 : 0;
    const se = task.softirqsEnabled ? 1 : 0;
    return `[HC${hc}[${task.hardirqCount}]:SC${sc}[${task.softirqCount}]:HE${he}:SE${se}]`;
  }

  /** print_irqtrace_events. */
  irqTrace(task: Task): string[] {
    const ev = (label: string, e: { stamp: number; site: string } | undefined): string =>
      e ? `${label} (${e.stamp}): ${this.ipSym(e.site)}` : `${label} (0): [<0000000000000000>] 0x0`;
    return [
      `irq event stamp: ${task.irqEvents}`,
      ev('hardirqs last  enabled at', task.hardirqOn),
      ev('hardirqs last disabled at', task.hardirqOff),
      ev('softirqs last  enabled at', task.softirqOn),
      ev('softirqs last disabled at', task.softirqOff),
    ];
  }
}
