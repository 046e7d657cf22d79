// Checking models from a program instead of the command line: typed results, no parsing.
// Run it: npx tsx examples/programmatic.ts
import { pathToFileURL } from 'node:url';
import { checkModel, replayModel, verdictOfResult } from 'lockstep';
import abba from './abba.js';
import lostWakeup, { fixed } from './lost-wakeup.js';

/** One line per model: its verdict, whether the search was complete, and its replay token. */
export function summary(): string[] {
  return [abba, lostWakeup, fixed].map((model) => {
    const r = checkModel(model, { maxExecutions: 1000 });
    const verdict = verdictOfResult(r);
    if (r.token) {
      // The token replays the counterexample to the same outcome.
      const again = replayModel([model], r.token);
      if (again.outcome.kind !== verdict) throw new Error(`${model.name}: replay disagrees`);
    }
    return `${model.name}: ${verdict}${r.explore.complete ? ' (complete)' : ''} ${r.token ?? ''}`.trim();
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of summary()) console.log(line);
}
