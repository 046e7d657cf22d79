import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Examples import 'lockstep' as a user would; in tests that is the source, one copy with the tests'.
  resolve: { alias: { lockstep: fileURLToPath(new URL('./src/index.ts', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/helpers/fast-check-seed.ts'],
    testTimeout: 120_000,
    // The JSON report lets .ci/run print the plain `N passed, N failed` line CI reads.
    reporters: ['default', ['json', { outputFile: 'artifacts/vitest.json' }]],
  },
});
