// The unit/integration test settings every package (db, sfu, server) shares: sources run
// through the `lectern-source` export condition, one file at a time (suites start real
// databases, Redis and mediasoup workers).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['lectern-source'] },
  ssr: { resolve: { conditions: ['lectern-source'] } },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
