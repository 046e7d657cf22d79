import { Ajv } from 'ajv';
import { LockstepError } from '../../core/errors.js';
import { TRACE_SCHEMA } from './schema.js';
import type { TraceDocument } from './types.js';

const HINT = "give a file written by 'lockstep check ... --trace FILE' (format lockstep-trace, version 1)";

let compiled: ReturnType<Ajv['compile']> | null = null;

function bad(message: string): LockstepError {
  return new LockstepError('E_BAD_TRACE', message, HINT);
}

/** Cross-references the schema cannot state: one state per step plus the initial one, ids in range. */
function checkReferences(doc: TraceDocument): void {
  if (doc.states.length !== doc.steps.length + 1) {
    throw bad(`trace has ${doc.steps.length} steps but ${doc.states.length} states (expected steps + 1)`);
  }
  const n = doc.actors.length;
  doc.actors.forEach((a, i) => {
    if (a.id !== i) throw bad(`actor ${i} has id ${a.id}; actors must be listed by id`);
  });
  doc.steps.forEach((s, i) => {
    if (s.index !== i + 1) throw bad(`step ${i + 1} has index ${s.index}`);
    if (s.actor >= n) throw bad(`step ${s.index} names actor ${s.actor}, but there are ${n} actors`);
  });
}

/**
 * Checks that `data` is a `lockstep-trace` version 1 document, against the JSON Schema and the
 * cross-references; throws E_BAD_TRACE saying what is wrong.
 */
export function validateTrace(data: unknown): TraceDocument {
  const head = data as { format?: unknown; version?: unknown } | null;
  if (typeof head !== 'object' || head === null || head.format !== 'lockstep-trace') {
    throw bad('not a lockstep trace: the JSON has no "format": "lockstep-trace"');
  }
  if (head.version !== 1) {
    throw bad(
      `unsupported lockstep-trace version ${JSON.stringify(head.version)}; this lockstep reads version 1`,
    );
  }
  compiled ??= new Ajv({ allErrors: false, strict: true, allowUnionTypes: true }).compile(TRACE_SCHEMA);
  if (!compiled(data)) {
    const e = compiled.errors?.[0];
    throw bad(
      `trace does not match the lockstep-trace schema: ${e?.instancePath || '/'} ${e?.message ?? ''}`.trim(),
    );
  }
  const doc = data as TraceDocument;
  checkReferences(doc);
  return doc;
}

/** Parses and validates the text of a trace file. */
export function parseTrace(text: string): TraceDocument {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw bad(`trace is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return validateTrace(data);
}
