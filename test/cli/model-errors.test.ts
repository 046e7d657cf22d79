import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checksum } from '../../src/core/schedule.js';
import { ensureBuilt, lockstep } from '../helpers/cli.js';

// Every kind of bad model input gets a stable code, a one-line message with a hint, exit status 2,
// nothing on stdout, and no stack trace unless --debug.

beforeAll(ensureBuilt, 120_000);

const FIX = 'test/fixtures/models';
const TMP = mkdtempSync(join(tmpdir(), 'lockstep-models-'));

function tmpFile(name: string, text: string): string {
  const p = join(TMP, name);
  writeFileSync(p, text);
  return p;
}

/** Rebuilds a token's checksum after editing its text, as a hand-edited token would need. */
function sign(body: string): string {
  return `${body}:${checksum(body)}`;
}

function abbaToken(): string {
  const r = lockstep('check', 'examples/abba.ts');
  return /^replay: (\S+)/.exec(r.stdout)![1]!;
}

interface Case {
  readonly name: string;
  readonly args: () => string[];
  readonly code: string;
  readonly message: RegExp;
}

const CASES: readonly Case[] = [
  {
    name: 'a model that throws names the actor, the frame and the step',
    args: () => ['check', `${FIX}/throws.ts`],
    code: 'E_MODEL_ERROR',
    message:
      /model code threw in t1\/101 at broken_helper \(drivers\/example\/broken\.c\), step 1: dev->ops is NULL/,
  },
  {
    name: 'a setup that throws',
    args: () => ['check', `${FIX}/setup-throws.ts`],
    code: 'E_MODEL_ERROR',
    message: /model 'setup-throws': setup threw: no such device/,
  },
  {
    name: 'a thread that never stops hits the step bound',
    args: () => ['check', `${FIX}/spins.ts`, '--max-steps', '50'],
    code: 'E_STEP_BOUND',
    message:
      /an execution ran 50 steps without ending \(--max-steps\); poller\/101 ran 50 of them, now at poll_forever/,
  },
  {
    name: 'yielding something that is not an op',
    args: () => ['check', `${FIX}/unknown-op.mjs`],
    code: 'E_UNKNOWN_OP',
    message:
      /t1\/101 yielded a generator at t1 \(model unknown-op\), after its step 1; that is not an operation/,
  },
  {
    name: 'a file that exports no model',
    args: () => ['check', `${FIX}/no-model.ts`],
    code: 'E_NO_MODEL',
    message: /model file test\/fixtures\/models\/no-model\.ts exports no model/,
  },
  {
    name: 'a model name the file does not export',
    args: () => ['check', 'examples/lost-wakeup.ts#nope'],
    code: 'E_NO_MODEL',
    message: /has no model named 'nope'/,
  },
  {
    name: 'a malformed model definition',
    args: () => ['check', `${FIX}/no-threads.ts`],
    code: 'E_BAD_MODEL',
    message: /model 'no-threads': no threads/,
  },
  {
    name: 'a file whose top-level code throws',
    args: () => ['check', `${FIX}/load-throws.mjs`],
    code: 'E_MODEL_LOAD',
    message: /failed to load: cannot open \/dev\/example/,
  },
  {
    name: 'a file with a syntax error',
    args: () => ['check', tmpFile('syntax.ts', 'export const = ;\n')],
    code: 'E_MODEL_LOAD',
    message: /syntax\.ts failed to load: /,
  },
  {
    name: 'a missing file',
    args: () => ['check', './no/such/model.ts'],
    code: 'E_MODEL_FILE',
    message: /cannot read model file \.\/no\/such\/model\.ts: no such file/,
  },
  {
    name: 'a directory',
    args: () => ['check', 'examples/'],
    code: 'E_MODEL_FILE',
    message: /cannot read model file examples\/: not a \.ts/,
  },
  {
    name: 'a file that is not a script',
    args: () => ['check', 'docs/tutorial.md'],
    code: 'E_MODEL_FILE',
    message: /cannot read model file docs\/tutorial\.md: not a/,
  },
  {
    name: '--kernel on a model without a kernel',
    args: () => ['check', 'examples/abba.ts', '--kernel', 'v6.6'],
    code: 'E_USAGE',
    message: /--kernel does not apply to model 'abba': it boots no kernel/,
  },
  {
    name: 'a kernel config key on a model without a kernel',
    args: () => ['check', 'examples/abba.ts', '--config', 'dept=1'],
    code: 'E_UNKNOWN_CONFIG',
    message: /config key 'dept' does not apply to model 'abba'/,
  },
  {
    name: 'an unknown parameter',
    args: () => ['check', 'examples/thread-pool.ts', '--param', 'cpus=2'],
    code: 'E_UNKNOWN_PARAM',
    message: /scenario 'thread-pool' has no parameter 'cpus'/,
  },
  {
    name: 'a malformed token',
    args: () => ['replay', 'abba-garbage', '--model', 'examples/abba.ts'],
    code: 'E_BAD_TOKEN',
    message: /malformed replay token 'abba-garbage'/,
  },
  {
    name: 'a token with a broken checksum',
    args: () => ['replay', `${abbaToken().slice(0, -4)}zzzz`, '--model', 'examples/abba.ts'],
    code: 'E_TOKEN_CHECKSUM',
    message: /replay token checksum does not match/,
  },
  {
    name: 'a built-in scenario token with --model',
    args: () => ['replay', 'falloc-dio@v6.6-rc7:c20a4:2e7o', '--model', 'examples/abba.ts'],
    code: 'E_TOKEN_MODEL',
    message:
      /replay token is for 'falloc-dio@v6\.6-rc7', which the model file does not define \(it has: abba\)/,
  },
  {
    name: "another model file's token",
    args: () => ['replay', abbaToken(), '--model', 'examples/aa.ts'],
    code: 'E_TOKEN_MODEL',
    message: /replay token is for 'abba', which the model file does not define \(it has: aa\)/,
  },
  {
    name: 'a token from a changed model',
    args: () => [
      'replay',
      sign(
        abbaToken()
          .replace(/#\w{4}@/, '#zzzz@')
          .replace(/:\w{4}$/, ''),
      ),
      '--model',
      'examples/abba.ts',
    ],
    code: 'E_TOKEN_MODEL',
    message: /replay token was made by another version of model 'abba' \(fingerprint zzzz, now \w{4}\)/,
  },
  {
    name: 'a model token without --model',
    args: () => ['replay', abbaToken()],
    code: 'E_TOKEN_MODEL',
    message: /replay token is for model 'abba' from a model file/,
  },
  {
    name: 'a token whose schedule does not fit the model',
    args: () => {
      const [head] = abbaToken().split(':');
      return ['replay', sign(`${head}:c`), '--model', 'examples/abba.ts'];
    },
    code: 'E_REPLAY_DIVERGED',
    message: /replay diverged at step 1: actor 2 cannot take that step/,
  },
  {
    name: 'a thread that loops inside one step, under --timeout',
    args: () => ['check', `${FIX}/sync-loop.ts`, '--timeout', '2'],
    code: 'E_TIMEOUT',
    message: /the check did not finish within --timeout 2 s/,
  },
  {
    name: 'an output file that cannot be written',
    args: () => ['check', 'examples/abba.ts', '--output', join(TMP, 'no-dir', 'out.txt')],
    code: 'E_OUTPUT',
    message: /cannot write .*out\.txt/,
  },
];

describe('bad model input', () => {
  for (const c of CASES) {
    it(`${c.code}: ${c.name}`, () => {
      const r = lockstep(...c.args());
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(new RegExp(`^lockstep: error\\[${c.code}\\]: `));
      expect(lines[0]).toMatch(c.message);
      expect(lines[1]).toMatch(/^ {2}hint: \S/);
    });
  }

  it('an unreadable file is E_MODEL_FILE (unless running as root, who reads anything)', () => {
    const p = tmpFile('secret.ts', 'export {};\n');
    chmodSync(p, 0);
    const r = lockstep('check', p);
    expect(r.status).toBe(2);
    if (process.getuid?.() !== 0) expect(r.stderr).toMatch(/error\[E_MODEL_FILE\]: .*permission denied/);
  });

  it('prints the stack trace of the model error only with --debug', () => {
    const r = lockstep('check', `${FIX}/setup-throws.ts`, '--debug');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Caused by: Error: no such device\n\s+at /);
  });

  it('leaves no output file behind when the check fails', () => {
    const out = join(TMP, 'report.txt');
    const r = lockstep('check', `${FIX}/spins.ts`, '--max-steps', '50', '--output', out);
    expect(r.status).toBe(2);
    expect(existsSync(out)).toBe(false);
    const ok = lockstep('check', 'examples/abba.ts', '--output', out);
    expect(ok.status).toBe(1);
    expect(ok.stdout).toBe('');
    expect(existsSync(out)).toBe(true);
  });
});
