// A PyTorch-sized model on the page: a 1,024-unit LSTM over 256 symbols (5.2 million weights,
// 55 MB of JSON) and a 2,000-character text. Prints the time from picking the file to the first
// paint, to the whole run computed, and the keystroke-to-paint p95 of typing at the end and of an
// edit at the start. Run by scripts/bench-browser.mjs; the page is already open on `url`.
import { openPage } from '../tests/browser/harness.mjs';

/**
 * Opens the page, loads the generated model through the file input, types; returns figures.
 * With `loadOnly`, the text is one character and nothing is typed: the peak memory is then the
 * load's own.
 */
export async function benchLargeModel(browser, url, { loadOnly = false, format = 'json' } = {}) {
  const text = loadOnly ? 'a' : Array.from({ length: 2000 }, (_, k) => 'the quick brown fox jumps over the lazy dog '[(k * 7) % 44]).join('');
  const page = await openPage(browser, `${url}?text=${encodeURIComponent(text)}`, { viewport: { width: 1400, height: 1000 } });
  try {
    return await page.evaluate(async ({ hidden, symbols, loadOnly, format }) => {
      // PyTorch's initialisation, uniform in ±1/√H, from a seeded generator (not timed).
      let seed = 12345;
      const uniform = () => {
        seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
        return ((seed / 4294967296) * 2 - 1) / Math.sqrt(hidden);
      };
      const matrix = (rows, cols) => `[${Array.from({ length: rows }, () => `[${Array.from({ length: cols }, () => uniform().toFixed(6)).join(',')}]`).join(',')}]`;
      const vector = (n) => `[${Array.from({ length: n }, () => uniform().toFixed(6)).join(',')}]`;
      const vocab = JSON.stringify(Array.from({ length: symbols }, (_, k) => String.fromCodePoint(k < 95 ? 32 + k : 0x100 + k)));
      let json = '';
      let file;
      if (format === 'json') {
        json = `{"weight_ih_l0":${matrix(4 * hidden, symbols)},"weight_hh_l0":${matrix(4 * hidden, hidden)},` +
          `"bias_ih_l0":${vector(4 * hidden)},"bias_hh_l0":${vector(4 * hidden)},"vocab":${vocab}}`;
        file = new File([json], 'lstm-1024.json', { type: 'application/json' });
      } else {
        // The same tensors as safetensors: a little-endian header length, the JSON header (the
        // vocab in its metadata), then the raw float32 data.
        const shapes = [['weight_ih_l0', [4 * hidden, symbols]], ['weight_hh_l0', [4 * hidden, hidden]], ['bias_ih_l0', [4 * hidden]], ['bias_hh_l0', [4 * hidden]]];
        const header = { __metadata__: { vocab } };
        const blobs = [];
        let offset = 0;
        for (const [name, shape] of shapes) {
          const data = Float32Array.from({ length: shape.reduce((a, b) => a * b) }, uniform);
          header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + data.byteLength] };
          offset += data.byteLength;
          blobs.push(data);
        }
        const headerBytes = new TextEncoder().encode(JSON.stringify(header));
        const length = new DataView(new ArrayBuffer(8));
        length.setBigUint64(0, BigInt(headerBytes.length), true);
        file = new File([length.buffer, headerBytes, ...blobs], 'lstm-1024.safetensors');
      }
      // The page draws in the first animation frame after a change (its callback was asked for
      // first); this one runs right after it, before that frame is painted.
      const painted = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
      const until = async (test) => {
        while (!test()) await new Promise((resolve) => setTimeout(resolve, 5));
      };
      const memoryBefore = window.__gatelab.wasmMemory();
      const input = document.getElementById('weights-file');
      const data = new DataTransfer();
      data.items.add(file);
      const start = performance.now();
      input.files = data.files;
      input.dispatchEvent(new Event('change'));
      await until(() => window.__gatelab.notices().some((n) => n.includes(file.name)));
      await painted();
      const firstPaint = performance.now() - start;
      await until(() => { const s = window.__gatelab.summary(); return s.computed === s.steps; });
      const complete = performance.now() - start;
      // wasm memory never shrinks, so its size now is the peak of loading and running.
      const memoryAfterLoad = window.__gatelab.wasmMemory();
      if (loadOnly) return { memoryAfterLoad };
      // Keystrokes as a person types them: an input event on the box, then the next paint.
      const box = document.getElementById('text');
      const keystroke = async (value) => {
        const t0 = performance.now();
        box.value = value;
        box.dispatchEvent(new Event('input'));
        await painted();
        return performance.now() - t0;
      };
      // Long tasks (over 50 ms) while typing: the longest is the worst frame a person sees.
      const longTasks = [];
      new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
      const atEnd = [];
      for (let k = 0; k < 30; k++) atEnd.push(await keystroke(box.value + 'the '[k % 4]));
      const atStart = [];
      for (let k = 0; k < 10; k++) atStart.push(await keystroke('xy'[k % 2] + box.value.slice(1)));
      const p95 = (list) => [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor(0.95 * list.length))];
      const s = window.__gatelab.summary();
      return {
        hidden: s.hidden, symbols: s.input_size, steps: s.steps, megabytes: json.length / 2 ** 20, fileBytes: file.size,
        memoryBefore, memoryAfterLoad, weightBytes: 4 * 4 * hidden * (symbols + hidden + 2), jsonBytes: json.length,
        firstPaint, complete, endP95: p95(atEnd), startP95: p95(atStart), notices: window.__gatelab.notices(),
        longest: Math.max(0, ...longTasks), longTasks: longTasks.length,
      };
    }, { hidden: 1024, symbols: 256, loadOnly, format });
  } finally {
    if (page.problems.length) {
      console.error(`page problems:\n  ${page.problems.join('\n  ')}`);
      process.exitCode = 1;
    }
    await page.close();
  }
}

/**
 * Prints the figures of benchLargeModel; `loadOnly` is its figures with `loadOnly`, `safetensors`
 * its figures with the same model as a .safetensors file.
 */
export function printLargeModel(r, loadOnly, safetensors) {
  const label = `H = ${r.hidden.toLocaleString('en')}, ${r.symbols} symbols, ${r.steps.toLocaleString('en')} characters, ${r.megabytes.toFixed(0)} MB of JSON`;
  console.log(`large model (${label}): load to first paint ${(r.firstPaint / 1000).toFixed(2)} s`);
  console.log(`large model as .safetensors (${(safetensors.fileBytes / 2 ** 20).toFixed(0)} MB): load to first paint ${(safetensors.firstPaint / 1000).toFixed(2)} s (JSON, above: ${(r.firstPaint / 1000).toFixed(2)} s)`);
  console.log(`large model: the whole run computed (in slices, after the first paint) ${(r.complete / 1000).toFixed(2)} s`);
  const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
  console.log(`large model: peak wasm memory of the page module ${mb(r.memoryAfterLoad)}, ${mb(loadOnly.memoryAfterLoad)} with a one-character text (before loading ${mb(r.memoryBefore)}; the file ${mb(r.jsonBytes)}, its weights as f32 ${mb(r.weightBytes)})`);
  console.log(`large model: keystroke to paint, typing at the end, p95 ${r.endP95.toFixed(1)} ms`);
  console.log(`large model: keystroke to paint, an edit at the start (first slice shown), p95 ${r.startP95.toFixed(1)} ms`);
  console.log(`large model: the longest task while typing ${r.longest.toFixed(0)} ms (${r.longTasks} tasks over 50 ms)`);
}
