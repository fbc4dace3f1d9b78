import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Bundled at build time into dist/ (the edge serves it at /_wharf/console/): no CDN, no network at run time.
// JSX through esbuild with Preact's runtime, so no framework plugin is needed.
export default defineConfig({
  base: '/_wharf/console/',
  root: fileURLToPath(new URL('.', import.meta.url)),
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000, sourcemap: false },
  logLevel: 'warn',
});
