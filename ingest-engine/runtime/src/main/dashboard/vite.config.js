import { defineConfig } from 'vite';

// Built by Maven (generate-resources) into the jar's class path, where FloeHttpServer serves it
// under /dashboard/; relative asset paths keep it working under that prefix.
export default defineConfig({
  base: './',
  build: {
    outDir: '../../../target/classes/floe-dashboard',
    emptyOutDir: true,
    chunkSizeWarningLimit: 200,
  },
});
