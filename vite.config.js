import { defineConfig } from 'vite';

// GATELAB_TEST_HOOKS=1 builds the test bundle: the page plus window.__gatelab (www/test-hooks.js),
// which the browser tests and the benchmark drive, into dist-test/. Without it (`npm run build`),
// __TEST_HOOKS__ is false, the hooks are compiled out, and dist/ is what gets published.
const testHooks = process.env.GATELAB_TEST_HOOKS === '1';

export default defineConfig({
  root: '.',
  // Relative asset URLs, so dist/ works from any static host and any sub-path.
  base: './',
  define: {
    __TEST_HOOKS__: JSON.stringify(testHooks),
  },
  build: {
    outDir: testHooks ? 'dist-test' : 'dist',
    emptyOutDir: true,
    // Two pages: Gate Lab, and an example blog post that embeds it three times.
    rollupOptions: {
      input: {
        main: 'index.html',
        'embed-example': 'www/embed-example.html',
      },
    },
  },
  server: {
    host: '127.0.0.1',
    port: 5173, // falls back to the next free port (strictPort is off)
    fs: { allow: ['.'] },
  },
  // wasm-bindgen's --target web glue is an ES module; workers importing it must be too.
  worker: { format: 'es' },
});
