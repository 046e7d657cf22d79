import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/helpers/fast-check-seed.ts'],
    testTimeout: 120_000,
    // The JSON report lets .ci/run print the plain `N passed, N failed` line CI reads.
    reporters: ['default', ['json', { outputFile: 'artifacts/vitest.json' }]],
  },
});
