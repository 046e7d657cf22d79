// The JSON Schema (draft-07) of the `lockstep-trace` document, version 1. docs/trace.schema.json
// is this object as JSON; a test keeps the two equal.

const int = { type: 'integer', minimum: 0 } as const;
const str = { type: 'string' } as const;
const strings = { type: 'array', items: str } as const;
const stepOrNull = { type: ['integer', 'null'], minimum: 0 } as const;
const actorOrNull = { type: ['integer', 'null'], minimum: 0 } as const;
const sleepState = { enum: ['D', 'S', 'K', 'R'] } as const;

function object(properties: Record<string, unknown>) {
  return {
    type: 'object',
    required: Object.keys(properties),
    additionalProperties: false,
    properties,
  } as const;
}

/** An object schema with properties that may be absent. */
function withOptional<T extends ReturnType<typeof object>>(base: T, optional: Record<string, unknown>) {
  return { ...base, properties: { ...base.properties, ...optional } } as const;
}

/** A livelock's repeating cycle (present only on a livelock found by the livelock bound). */
const cycle = object({
  window: int,
  from: int,
  since: int,
  period: int,
  periodic: { type: 'boolean' },
  actors: strings,
  steps: {
    type: 'array',
    items: object({ index: int, actor: int, label: str, alt: int, op: str }),
    minItems: 1,
  },
});

const objectRef = object({ oid: int, name: str });
const queue = { type: 'array', items: object({ name: str, oid: int, items: strings }) } as const;

const actorState = object({
  status: { enum: ['runnable', 'blocked', 'idle', 'exited'] },
  in: { type: ['string', 'null'] },
  wait: {
    oneOf: [{ type: 'null' }, object({ state: sleepState, object: str, oid: int, until: str, wokenBy: str })],
  },
  held: { type: 'array', items: object({ name: str, oid: int, read: { type: 'boolean' }, site: str }) },
  taskWork: strings,
  ioUringWork: strings,
  flags: strings,
});

const snapshot = object({
  actors: { type: 'array', items: actorState },
  counters: {
    type: 'array',
    items: object({ name: str, oid: int, value: { type: 'integer' }, owed: strings }),
  },
  bios: queue,
  work: queue,
  cqes: queue,
});

/** The schema every `lockstep-trace` version 1 document satisfies. */
export const TRACE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'urn:lockstep:trace:1',
  title: 'lockstep-trace, version 1',
  description:
    'One counterexample of the lockstep model checker, step by step, with the world after each step.',
  ...object({
    format: { const: 'lockstep-trace' },
    version: { const: 1 },
    target: object({
      scenario: str,
      params: { type: 'object', additionalProperties: { type: ['string', 'number'] } },
      variant: str,
      config: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    }),
    token: str,
    verdict: withOptional(
      object({
        kind: { enum: ['deadlock', 'livelock', 'assertion', 'lockdep', 'dept', 'ok', 'bound', 'pruned'] },
        line: str,
        why: strings,
        blocked: { type: 'array', items: int },
        cycles: { type: 'array', items: { type: 'array', items: int, minItems: 1 } },
        report: { type: ['string', 'null'] },
      }),
      { cycle },
    ),
    actors: {
      type: 'array',
      items: object({
        id: int,
        label: str,
        comm: str,
        pid: int,
        kind: { enum: ['task', 'kthread', 'irq'] },
        letter: str,
      }),
    },
    steps: {
      type: 'array',
      items: object({
        index: { type: 'integer', minimum: 1 },
        actor: int,
        alt: int,
        label: str,
        frames: strings,
        note: str,
        touches: { type: 'array', items: objectRef },
        reads: { type: 'array', items: objectRef },
        wakes: { type: 'array', items: int },
      }),
    },
    states: { type: 'array', items: snapshot, minItems: 1 },
    locks: {
      type: 'array',
      items: object({
        actor: int,
        lock: str,
        oid: int,
        read: { type: 'boolean' },
        site: str,
        from: int,
        to: stepOrNull,
      }),
    },
    blocked: {
      type: 'array',
      items: object({
        actor: int,
        state: sleepState,
        object: str,
        oid: int,
        until: str,
        wokenBy: str,
        in: { type: ['string', 'null'] },
        from: int,
        to: stepOrNull,
        cycle: { type: 'boolean' },
      }),
    },
    events: {
      type: 'array',
      items: object({
        kind: { enum: ['wake', 'task_work_add', 'task_work_run', 'bio_submit', 'bio_complete', 'cqe_post'] },
        step: { type: 'integer', minimum: 1 },
        actor: int,
        target: actorOrNull,
        what: str,
      }),
    },
    bios: {
      type: 'array',
      items: object({
        what: str,
        device: str,
        submitted: int,
        by: int,
        completed: stepOrNull,
        irq: actorOrNull,
      }),
    },
    waitFor: {
      type: 'array',
      items: object({ from: int, to: actorOrNull, how: str, cycle: { type: 'boolean' } }),
    },
    lockdep: {
      oneOf: [
        { type: 'null' },
        object({
          classes: strings,
          edges: { type: 'array', items: object({ from: str, to: str, kinds: str }) },
          cycle: strings,
        }),
      ],
    },
  }),
};
