/// <reference types="vitest/config" />
import { createRequire } from 'node:module';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// RDKit's WebAssembly (structure drawings), imported as a URL by
// src/structure.ts; its package exports only the loader, so alias the file.
const rdkitWasm = createRequire(import.meta.url)
  .resolve('@rdkit/rdkit')
  .replace(/RDKit_minimal\.js$/, 'RDKit_minimal.wasm');

// `npm run dev` serves the app on :5173 and forwards the API (and its
// websocket) to a local `activelab serve` on :8080 (or ACTIVELAB_API), so
// cookies stay same-origin. `npm run build` writes dist/, which the Go binary embeds.
export default defineConfig({
  plugins: [react()],
  resolve: { alias: [{ find: /^rdkit-wasm(\?.*)?$/, replacement: `${rdkitWasm}$1` }] },
  server: {
    proxy: {
      '/graphql': { target: process.env.ACTIVELAB_API || 'http://127.0.0.1:8080', ws: true, changeOrigin: true },
      '/export': { target: process.env.ACTIVELAB_API || 'http://127.0.0.1:8080', changeOrigin: true },
    },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
