import { readFileSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';
import { isModel } from '../api/model.js';
import type { Checkable } from '../api/model-target.js';
import { isUserScenario } from '../api/user-scenario.js';
import { LockstepError } from '../core/errors.js';

/** File extensions `lockstep check` loads as model files. */
export const MODEL_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'] as const;

/** A loaded model file: its path as given, and the models it exports, in a fixed order. */
export interface ModelFile {
  readonly path: string;
  readonly models: readonly Checkable[];
}

/** Whether a `check` argument names a model file rather than a built-in scenario. */
export function isModelPath(arg: string): boolean {
  const file = arg.split('#')[0]!;
  return file.includes('/') || file.includes('\\') || MODEL_EXTENSIONS.some((e) => file.endsWith(e));
}

function fileError(path: string, why: string): LockstepError {
  return new LockstepError(
    'E_MODEL_FILE',
    `cannot read model file ${path}: ${why}`,
    `check the path; a model file is a ${MODEL_EXTENSIONS.join(', ')} file that exports defineModel(...)`,
  );
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n').find((l) => l.trim() !== '') ?? msg;
}

let registered = false;

/** Installs tsx's TypeScript loader once per process. */
function registerTsx(): void {
  if (registered) return;
  register({ tsconfig: false });
  registered = true;
}

/** Reads and imports the file (TypeScript through tsx), mapping every failure to a stable code. */
async function importFile(path: string): Promise<Record<string, unknown>> {
  const abs = resolve(path);
  if (!MODEL_EXTENSIONS.includes(extname(abs) as (typeof MODEL_EXTENSIONS)[number])) {
    throw fileError(path, `not a ${MODEL_EXTENSIONS.join('/')} file`);
  }
  try {
    if (!statSync(abs).isFile()) throw fileError(path, 'not a file');
    readFileSync(abs);
  } catch (e) {
    if (e instanceof LockstepError) throw e;
    const code = (e as { code?: string }).code;
    throw fileError(
      path,
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : firstLine(e),
    );
  }
  try {
    // A global (not namespaced) loader, so that the model's `import 'lockstep'` is the very module
    // instance the CLI runs (a namespaced tsImport would load a second copy, with its own state);
    // tsconfig: false, so that a repository's `paths` cannot point it at the sources either.
    registerTsx();
    return (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof LockstepError) throw e;
    const err = new LockstepError(
      'E_MODEL_LOAD',
      `model file ${path} failed to load: ${firstLine(e)}`,
      'fix the file so that it imports and runs; run with --debug for the stack trace',
    );
    if (e instanceof Error && e.stack) err.stack = `${err.stack}\nCaused by: ${e.stack}`;
    throw err;
  }
}

/**
 * Loads the models a file exports: `path` or `path#name` for one of them. The default export
 * comes first, then named exports in name order; a model exported twice counts once.
 */
export async function loadModelFile(spec: string): Promise<ModelFile> {
  const hash = spec.lastIndexOf('#');
  const path = hash > 0 ? spec.slice(0, hash) : spec;
  const pick = hash > 0 ? spec.slice(hash + 1) : null;
  const ns = await importFile(path);
  const found: Checkable[] = [];
  const keys = Object.keys(ns).sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a < b ? -1 : 1));
  for (const k of keys) {
    const v = ns[k];
    if ((isModel(v) || isUserScenario(v)) && !found.includes(v)) found.push(v);
  }
  if (found.length === 0) {
    throw new LockstepError(
      'E_NO_MODEL',
      `model file ${path} exports no model`,
      'export one made by defineModel() or defineScenario(): export default defineModel({ name, setup, threads })',
    );
  }
  const names = new Set<string>();
  for (const m of found) {
    if (names.has(m.name)) {
      throw new LockstepError(
        'E_BAD_MODEL',
        `model file ${path} exports two models named '${m.name}'`,
        'give each model its own name',
      );
    }
    names.add(m.name);
  }
  if (pick === null) return { path, models: found };
  const one = found.find((m) => m.name === pick);
  if (!one) {
    throw new LockstepError(
      'E_NO_MODEL',
      `model file ${path} has no model named '${pick}'`,
      `models in it: ${found.map((m) => m.name).join(', ')}`,
    );
  }
  return { path, models: [one] };
}
