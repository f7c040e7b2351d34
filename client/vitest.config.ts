import { defaultClientConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['lectern-source', ...defaultClientConditions] },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
