import { defineConfig } from 'vitest/config';
import packageConfig from '../vitest.package.js';

// Checks of the deploy files (compose, Kubernetes, Dockerfile): `npx vitest run -c deploy/vitest.config.ts`.
// Sources resolve as in every package (vitest.package.ts); the test settings are these alone.
export default defineConfig({
  ...packageConfig,
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['deploy/**/*.test.ts'],
  },
});
