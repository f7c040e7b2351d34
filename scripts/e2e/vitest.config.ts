import { defineConfig } from 'vitest/config';

// Browser end-to-end suites: run by scripts/e2e.sh inside a private network namespace.
export default defineConfig({
  resolve: { conditions: ['lectern-source'] },
  ssr: { resolve: { conditions: ['lectern-source'] } },
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['scripts/e2e/**/*.e2e.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    reporters: ['default'],
  },
});
