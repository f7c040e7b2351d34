import { defaultClientConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Node-environment tests resolve through the SSR conditions too: without `lectern-source`
// there, `@lectern/server/protocol` would need a built server (dist/) to be found.
export default defineConfig({
  resolve: { conditions: ['lectern-source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['lectern-source'] } },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
