// Writes docs/trace.schema.json from the schema in src (npm run schema); a test keeps them equal.
import { writeFileSync } from 'node:fs';
import { TRACE_SCHEMA } from '../src/report/trace/schema.js';

writeFileSync(
  new URL('../docs/trace.schema.json', import.meta.url),
  `${JSON.stringify(TRACE_SCHEMA, null, 2)}\n`,
);
