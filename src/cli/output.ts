import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { LockstepError } from '../core/errors.js';

/**
 * Writes a command's whole output: to stdout, or to `path` through a temporary file renamed into
 * place, so an error never leaves a half-written file (the text is complete before this is called).
 */
export function emit(text: string, path?: string): void {
  if (path === undefined) {
    process.stdout.write(text);
    return;
  }
  const tmp = `${path}.lockstep-${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    const why = e instanceof Error ? e.message : String(e);
    throw new LockstepError(
      'E_OUTPUT',
      `cannot write ${path}: ${why}`,
      'check that the directory exists and is writable',
    );
  }
}
