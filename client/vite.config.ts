import preact from '@preact/preset-vite';
import { defaultClientConditions, defineConfig } from 'vite';

const API = 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [preact()],
  resolve: {
    // `@lectern/server/protocol` resolves to server/src/protocol/index.ts (types + constants).
    conditions: ['lectern-source', ...defaultClientConditions],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': { target: API, changeOrigin: false },
      '/socket.io': { target: API, ws: true },
      '/openapi.json': { target: API },
      '/docs': { target: API },
    },
  },
});
