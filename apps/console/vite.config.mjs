// The console's build (tools/build.mjs runs it): a static app served by the gateway at /console
// (libs/ingress ConsoleFiles), so every asset URL starts with /console/ and nothing is loaded
// from another origin (the console must work offline).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: '/console/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: resolve(here, '../../dist/console'),
    emptyOutDir: true,
    // Hashed asset names: index.html is never cached, the assets it names can be cached for ever.
    assetsDir: 'assets',
    sourcemap: false,
  },
});
