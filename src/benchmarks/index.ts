// The classic DPOR benchmarks as lockstep models, each parameterised by size.

import { filesystem } from './filesystem.js';
import { indexer } from './indexer.js';
import { lastzero } from './lastzero.js';
import { philosophers } from './philosophers.js';
import { readersWriters } from './readers-writers.js';

export type { Benchmark } from './benchmark.js';
export { benchmark } from './benchmark.js';
export type { FilesystemOptions } from './filesystem.js';
export { filesystem } from './filesystem.js';
export type { IndexerOptions } from './indexer.js';
export { indexer } from './indexer.js';
export { lastzero } from './lastzero.js';
export { cas, load, printVars, store, Var, vars } from './memory.js';
export { Mutex, mutex_lock, mutex_unlock, mutexes } from './mutex.js';
export type { PhilosophersOptions } from './philosophers.js';
export { philosophers } from './philosophers.js';
export type { ReadersWritersOptions } from './readers-writers.js';
export { readersWriters } from './readers-writers.js';

/** The benchmarks by name, for code that names one as data (a worker thread's source). */
export const BENCHMARKS = { filesystem, indexer, lastzero, philosophers, readersWriters };
export type BenchmarkName = keyof typeof BENCHMARKS;
