import { defineConfig } from 'vitest/config';
import packageConfig from '../../vitest.package.js';

// Browser end-to-end suites: run by scripts/e2e.sh inside a private network namespace.
// Sources resolve as in every package (vitest.package.ts); the test settings are these alone.
export default defineConfig({
  ...packageConfig,
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['scripts/e2e/**/*.e2e.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    reporters: ['default'],
  },
});
