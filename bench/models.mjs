// The benchmark model a bench script's command line names: `[indexer|lastzero|filesystem|
// readers-writers|philosophers] [size]`, with a default size per model.

import { filesystem, indexer, lastzero, philosophers, readersWriters } from '../dist/index.js';

export function benchmarkFromArgv(sizes) {
  const [which = 'indexer', size] = process.argv.slice(2);
  const n = size === undefined ? undefined : Number(size);
  const makers = {
    indexer: () => indexer(n ?? sizes.indexer),
    lastzero: () => lastzero(n ?? sizes.lastzero),
    filesystem: () => filesystem(n ?? 18),
    'readers-writers': () => readersWriters(n ?? 4, 3),
    philosophers: () => philosophers(n ?? 7),
  };
  const make = makers[which];
  if (!make) throw new Error(`unknown model '${which}': one of ${Object.keys(makers).join(', ')}`);
  return make();
}
