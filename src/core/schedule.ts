/** One decision of a schedule: which actor steps, and which outcome of a nondeterministic op. */
export interface Choice {
  readonly actor: number;
  readonly alt: number;
}

const interned: Choice[][] = [];

/**
 * The one shared `Choice` of an actor and outcome. Choices are values that nobody mutates, so the
 * engine makes each once instead of once per step.
 */
export function choiceOf(actor: number, alt: number): Choice {
  let row = interned[actor];
  if (row === undefined) {
    row = [];
    interned[actor] = row;
  }
  let c = row[alt];
  if (c === undefined) {
    c = { actor, alt };
    row[alt] = c;
  }
  return c;
}

/** The branch log of one execution: every decision, in order. */
export type Schedule = readonly Choice[];

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

function actorCode(actor: number): string {
  return actor < ALPHABET.length ? ALPHABET[actor]! : `{${actor}}`;
}

/**
 * Encodes a schedule as runs: an actor letter (a = actor 0), then `.alt` for a nondeterministic
 * outcome other than 0, then a repeat count: `a12b.1a3` = actor 0 twelve times, actor 1 once with
 * outcome 1, actor 0 three times; a repeated outcome is `b.2_3`. Actors past 51 are written `{n}`.
 */
export function encodeSchedule(schedule: Schedule): string {
  let out = '';
  let i = 0;
  while (i < schedule.length) {
    const c = schedule[i]!;
    let n = 1;
    while (i + n < schedule.length && schedule[i + n]!.actor === c.actor && schedule[i + n]!.alt === c.alt)
      n++;
    out += actorCode(c.actor);
    if (c.alt !== 0) out += `.${c.alt}${n > 1 ? `_${n}` : ''}`;
    else if (n > 1) out += String(n);
    i += n;
  }
  return out;
}

/** Decodes `encodeSchedule`'s output; returns null when the text is not a schedule. */
export function decodeSchedule(text: string): Choice[] | null {
  const out: Choice[] = [];
  let i = 0;
  const digits = (): number | null => {
    const start = i;
    while (i < text.length && text[i]! >= '0' && text[i]! <= '9') i++;
    if (i === start || i - start > 9) return null;
    return Number(text.slice(start, i));
  };
  while (i < text.length) {
    let actor: number;
    const ch = text[i]!;
    if (ch === '{') {
      i++;
      const n = digits();
      if (n === null || text[i] !== '}') return null;
      i++;
      actor = n;
    } else {
      actor = ALPHABET.indexOf(ch);
      if (actor < 0) return null;
      i++;
    }
    let alt = 0;
    let count = 1;
    if (text[i] === '.') {
      i++;
      const a = digits();
      if (a === null) return null;
      alt = a;
      if (text[i] === '_') {
        i++;
        const n = digits();
        if (n === null || n < 1) return null;
        count = n;
      }
    } else if (i < text.length && text[i]! >= '0' && text[i]! <= '9') {
      const n = digits();
      if (n === null || n < 1) return null;
      count = n;
    }
    if (out.length + count > 10_000_000) return null;
    for (let k = 0; k < count; k++) out.push({ actor, alt });
  }
  return out;
}

/** FNV-1a over the text, as 4 base-36 characters: catches a mistyped or truncated token. */
export function checksum(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return ((h >>> 0) % 36 ** 4).toString(36).padStart(4, '0');
}
