import { access, type Program, run, type SimObject } from '../core/op.js';
import type { World } from '../core/world.js';

/**
 * A plain shared variable (a flag, a counter, a pointer) that model threads read and write in
 * single steps, as READ_ONCE/WRITE_ONCE do (include/asm-generic/rwonce.h). Two reads commute.
 * Memory ordering is not modelled: every access is sequentially consistent.
 */
export class SharedVar<T> implements SimObject {
  constructor(
    readonly oid: number,
    readonly name: string,
    public value: T,
  ) {}
}

/** A shared variable in `world`, named as the report prints it, with its initial value. */
export function shared<T>(world: World, name: string, initial: T): SharedVar<T> {
  return new SharedVar(world.oid(), name, initial);
}

/** include/asm-generic/rwonce.h: READ_ONCE. One step that reads the variable. */
export function READ_ONCE<T>(v: SharedVar<T>): Program<T> {
  return run(access(`READ_ONCE(${v.name})`, { reads: [v] }, () => v.value));
}

/** include/asm-generic/rwonce.h: WRITE_ONCE. One step that writes the variable. */
export function WRITE_ONCE<T>(v: SharedVar<T>, value: T): Program<void> {
  return run(
    access(`WRITE_ONCE(${v.name}, ${String(value)})`, { writes: [v] }, () => void (v.value = value)),
  );
}

/** An atomic read-modify-write (atomic_add_return and friends): one step; returns the new value. */
export function update<T>(v: SharedVar<T>, label: string, f: (old: T) => T): Program<T> {
  return run(access(`${label}(${v.name})`, { writes: [v] }, () => (v.value = f(v.value))));
}
