import { defineConfig } from 'vite';

// GATELAB_TEST_HOOKS=1 builds the test bundle: the page plus window.__gatelab (www/test-hooks.js),
// which the browser tests and the benchmark drive, into dist-test/. Without it (`npm run build`),
// __TEST_HOOKS__ is false, the hooks are compiled out, and dist/ is what gets published.
const testHooks = process.env.GATELAB_TEST_HOOKS === '1';

// The built page's Content-Security-Policy: only its own scripts, styles, worker and wasm
// ('wasm-unsafe-eval' compiles it), no inline script, nothing from elsewhere. Images may be data:
// and blob: URLs (the favicon; a saved PNG is drawn from a blob). Only in builds: the dev
// server injects inline styles for hot reloading.
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const contentSecurityPolicy = {
  name: 'gatelab-csp',
  apply: 'build',
  transformIndexHtml(html, { filename }) {
    // The example post is a host page, not Gate Lab: it keeps its authors' inline scripts.
    if (filename.endsWith('embed-example.html')) return html;
    return html.replace('<meta charset="utf-8">', `<meta charset="utf-8">\n  <meta http-equiv="Content-Security-Policy" content="${CSP}">`);
  },
};

export default defineConfig({
  plugins: [contentSecurityPolicy],
  root: '.',
  // Relative asset URLs, so dist/ works from any static host and any sub-path.
  base: './',
  define: {
    __TEST_HOOKS__: JSON.stringify(testHooks),
  },
  build: {
    // A lazy chunk that imports the entry would preload the entry again; Firefox fails that
    // (already loaded) preload with an error event. The entry is always loaded by its own tag.
    modulePreload: {
      resolveDependencies: (filename, deps, { hostType }) =>
        hostType === 'js' ? deps.filter((dep) => !/(^|\/)(main|embed-example)-[\w-]+\.js$/.test(dep)) : deps,
    },
    // The oldest browsers the page runs in (README, "Browsers"): syntax newer than theirs would be
    // rewritten for them, or the build would fail.
    target: ['chrome105', 'edge105', 'firefox121', 'safari16', 'ios16'],
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
