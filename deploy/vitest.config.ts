import { defineConfig } from 'vitest/config';

// Checks of the deploy files (compose, Kubernetes, Dockerfile): `npx vitest run -c deploy/vitest.config.ts`.
export default defineConfig({
  resolve: { conditions: ['lectern-source'] },
  ssr: { resolve: { conditions: ['lectern-source'] } },
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['deploy/**/*.test.ts'],
  },
});
