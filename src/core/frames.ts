import type { Actor } from './actor.js';
import type { Program } from './op.js';

/** A model function's identity: its kernel name and the kernel file it models. */
export interface FnInfo {
  readonly name: string;
  readonly file: string;
}

/** What every model function receives first: the actor running it. Layers above extend it. */
export interface Cx {
  readonly actor: Actor;
}

const registry: FnInfo[] = [];

/** Every model function defined so far, in definition order (for docs and `lockstep list`). */
export function modelFunctions(): readonly FnInfo[] {
  return registry;
}

/**
 * Wraps a generator so that calling it pushes a call frame on the running actor and pops it on
 * return; every report then shows a real call trace. The function keeps its kernel name:
 * `export const inode_dio_wait = kfunc('fs/inode.c', function* inode_dio_wait(cx, inode) {...})`.
 */
export function kfunc<C extends Cx, A extends unknown[], R>(
  file: string,
  fn: (cx: C, ...args: A) => Program<R>,
): (cx: C, ...args: A) => Program<R> {
  const info: FnInfo = { name: fn.name, file };
  registry.push(info);
  const wrapped = function* (cx: C, ...args: A): Program<R> {
    const frames = cx.actor.frames;
    frames.push(info);
    try {
      return yield* fn(cx, ...args);
    } catch (e) {
      // Remember the innermost frame before the unwinding pops it, for the error message.
      if (e instanceof Error && !(e as { modelFrame?: FnInfo }).modelFrame) {
        (e as { modelFrame?: FnInfo }).modelFrame = frames[frames.length - 1] ?? info;
      }
      throw e;
    } finally {
      frames.pop();
    }
  };
  Object.defineProperty(wrapped, 'name', { value: fn.name });
  return wrapped;
}

/** The actor's call stack as function names, innermost first, without the `skip` innermost frames. */
export function frameNames(actor: Actor, skip = 0): string[] {
  const out: string[] = [];
  for (let i = actor.frames.length - 1 - skip; i >= 0; i--) out.push(actor.frames[i]!.name);
  return out;
}

/** The name of the innermost frame, the `at:` site of a lock taken there. */
export function callSite(actor: Actor): string {
  return actor.frames[actor.frames.length - 1]?.name ?? '(none)';
}

/** Runs `body` under a frame that has no model function of its own (entry code, `worker_thread`). */
export function* inFrame<R>(cx: Cx, info: FnInfo, body: Program<R>): Program<R> {
  const frames = cx.actor.frames;
  frames.push(info);
  try {
    return yield* body;
  } finally {
    frames.pop();
  }
}

/** A frame for code the model runs without a generator of its own. */
export function frame(file: string, name: string): FnInfo {
  return { name, file };
}
