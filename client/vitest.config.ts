import { defaultClientConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['lectern-source', ...defaultClientConditions] },
  // Tests run in node: the server's contracts and protocol schemas (fake peers) load from source too.
  ssr: { resolve: { conditions: ['lectern-source'] } },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
