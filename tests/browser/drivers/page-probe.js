// The test server puts this first in every HTML page it serves to Firefox and WebKit (shim.mjs).
// Classic WebDriver can neither listen to the console nor add a script before the page's own, so
// the page records its own problems and downloads here, and the shim reads them after each call.
(() => {
  const probe = {
    problems: [],
    downloads: [],
    resources: [],
    /** The problems since the last call, this frame's and its same-origin frames'. */
    drain() {
      const found = this.problems.splice(0);
      for (const frame of Array.from(window.frames)) {
        try { found.push(...(frame.__probe?.drain() ?? [])); } catch { /* another origin's frame */ }
      }
      return found;
    },
  };
  Object.defineProperty(window, '__probe', { value: probe });
  const record = (line) => probe.problems.push(line);
  const text = (value) => (value instanceof Error ? value.stack ?? value.message : String(value));

  const consoleError = console.error;
  console.error = function (...args) {
    record(`console.error: ${args.map(text).join(' ')}`);
    return consoleError.apply(this, args);
  };
  addEventListener('error', (e) => {
    const element = e.target;
    if (element && element !== window && (element.src || element.href)) record(`requestfailed: ${element.src || element.href}`);
    else record(`pageerror: ${text(e.error ?? e.message)}`);
  }, true);
  addEventListener('unhandledrejection', (e) => record(`pageerror: ${text(e.reason)}`));
  document.addEventListener('securitypolicyviolation', (e) => record(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  try {
    new PerformanceObserver((list) => probe.resources.push(...list.getEntries().map((e) => e.name)))
      .observe({ type: 'resource', buffered: true });
  } catch { /* no resource timing */ }

  // A download is a click on an <a download>: recorded with its blob instead of saved, so the
  // test reads the bytes the page offered.
  const blobs = new Map();
  const createObjectURL = URL.createObjectURL;
  URL.createObjectURL = function (object) {
    const url = createObjectURL.call(URL, object);
    if (object instanceof Blob) blobs.set(url, object);
    return url;
  };
  document.addEventListener('click', (e) => {
    const link = e.target instanceof Element ? e.target.closest('a[download]') : null;
    if (!link) return;
    e.preventDefault();
    probe.downloads.push({ name: link.download || link.href.split('/').pop(), href: link.href, blob: blobs.get(link.href) });
  }, true);
  probe.downloadBase64 = async (index) => {
    const found = probe.downloads[index];
    const blob = found.blob ?? await (await fetch(found.href)).blob();
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  };

  // The shim's init scripts come in the page's own query (see harness.mjs): hide it from the app.
  // Cut textually, so the rest of the query keeps its exact spelling.
  const search = location.search.replace(/([?&])__init=[^&]*&?/, '$1').replace(/[?&]$/, '');
  if (search !== location.search) history.replaceState(history.state, '', location.pathname + search + location.hash);
})();
