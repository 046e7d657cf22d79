import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LockstepError } from '../core/errors.js';

/**
 * `check --timeout <s>`: runs the same command in a child process and kills it after `seconds`.
 * A model that loops inside one step never returns control, and JavaScript cannot interrupt it
 * in-thread; the child's output is written whole at its end, so a killed child leaves none.
 * Wall-clock time enters only here, in the CLI, never in the engine.
 */
export function runUnderWatchdog(argv: readonly string[], seconds: number): Promise<number> {
  const main = fileURLToPath(new URL('./main.js', import.meta.url));
  const child = spawn(process.execPath, [main, ...withoutTimeout(argv)], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new LockstepError(
          'E_TIMEOUT',
          `the check did not finish within --timeout ${seconds} s`,
          'a model loops inside one step without yielding (or the search is big: raise --timeout, or bound it with --max-executions)',
        ),
      );
    }, seconds * 1000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code ?? 2);
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** The arguments without `--timeout <s>` (or `--timeout=<s>`). */
function withoutTimeout(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--timeout') i++;
    else if (!a.startsWith('--timeout=')) out.push(a);
  }
  return out;
}
