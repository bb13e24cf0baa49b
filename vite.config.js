import { defineConfig } from 'vite';

export default defineConfig({
  root: '.',
  // Relative asset URLs, so dist/ works from any static host and any sub-path.
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  server: {
    host: '127.0.0.1',
    port: 5173, // falls back to the next free port (strictPort is off)
    fs: { allow: ['.'] },
  },
  // wasm-bindgen's --target web glue is an ES module; workers importing it must be too.
  worker: { format: 'es' },
});
