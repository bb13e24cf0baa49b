// The Save dialog: every view as a picture and the run as data. Pictures are drawn by the same
// Rust renderers as the page, into plotters' SVG backend (pkg-charts, loaded on first use); a
// PNG is that SVG rasterised at twice its CSS size, so it stays crisp on a slide. The diagram is
// already SVG in the page: it is saved with its styles written in. The trace is written by the
// CLI's own writers, so a download equals `gatelab trace --format csv|json` for the same state.

import { showDialogInSight } from './embed.js';
import * as model from './model.js';
import { cellSites, preset, standardActivations } from './catalog.js';
import { FILE_PRESET } from './state.js';
import { download } from './dom.js';

const $ = (id) => document.getElementById(id);

/** Lowercase letters, digits, dots and dashes only, for file names. */
const slug = (text) => text.toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);

/**
 * A file name that carries the state: the model, then each activation changed from the
 * standard LSTM, then what it is, e.g. `gatelab-counter-input-none-timeline.png`.
 */
export function fileName(state, what, extension, file = null) {
  const modelPart = state.preset === FILE_PRESET
    ? slug((file ?? 'weights').replace(/\.json$/i, '')) || 'weights'
    : preset(state.preset)?.sized ? `${state.preset}-h${state.hidden}-seed${state.seed}` : state.preset;
  const standard = standardActivations();
  const changed = cellSites(state.cell ?? 'lstm')
    .filter((s) => state.acts[s.name] !== standard[s.name])
    .map((s) => `${slug(s.name)}-${slug(state.acts[s.name].replace(':', ''))}`);
  return ['gatelab', modelPart, ...changed, what].filter(Boolean).join('-') + `.${extension}`;
}

/** Rasterises SVG text `width` × `height` CSS pixels at `scale`× into a PNG blob. */
async function svgToPng(svg, width, height, scale = 2) {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    canvas.getContext('2d').drawImage(image, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error('the browser could not make a PNG');
    return blob;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The SVG properties the diagram's CSS sets, written into a saved copy. */
const STYLED = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'opacity', 'font-family', 'font-size',
  'font-weight', 'font-style', 'text-anchor', 'dominant-baseline'];

/** The diagram's SVG as a standalone document: its computed styles written in, on a background. */
function diagramSvg() {
  const svg = document.querySelector('#diagram svg');
  if (!svg) throw new Error('the diagram is not drawn');
  // Copied element by element into a document of its own, leaving out `style` and `class`: the
  // inline styles the diagram sets through the CSSOM would be parsed again as markup, which the
  // page's CSP refuses. What they and the style sheet say is written as presentation attributes.
  const NS = 'http://www.w3.org/2000/svg';
  const doc = document.implementation.createDocument(NS, 'svg', null);
  const copy = (from, to) => {
    for (const { name, value } of from.attributes) {
      if (name !== 'style' && name !== 'class' && name !== 'tabindex') to.setAttribute(name, value);
    }
    const style = getComputedStyle(from);
    for (const p of STYLED) to.setAttribute(p, style.getPropertyValue(p));
    for (const child of from.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) to.append(doc.createTextNode(child.textContent));
      else if (child.nodeType === Node.ELEMENT_NODE) copy(child, to.appendChild(doc.createElementNS(NS, child.localName)));
    }
  };
  const root = doc.documentElement;
  copy(svg, root);
  const { width, height } = svg.getBoundingClientRect();
  root.setAttribute('width', String(Math.round(width)));
  root.setAttribute('height', String(Math.round(height)));
  const background = doc.createElementNS(NS, 'rect');
  for (const [k, v] of Object.entries({ x: '-10000', y: '-10000', width: '20000', height: '20000' })) background.setAttribute(k, v);
  background.setAttribute('fill', getComputedStyle(document.documentElement).getPropertyValue('--bg').trim() || '#fff');
  root.prepend(background);
  return { svg: new XMLSerializer().serializeToString(doc), width: Math.round(width), height: Math.round(height) };
}

/**
 * The Save dialog. `page` gives state(), summary(), timeWindow, scale() (the canvases' text
 * scale), shownViews() (the rows of the views on screen), file() (the loaded file's name) and
 * notify(message, kind).
 */
export function createSaveDialog(page) {
  const dialog = $('save-dialog');
  const list = $('save-list');
  const status = $('save-status');

  /** A view's picture as SVG: {svg, width, height} in CSS pixels. */
  async function picture(name) {
    if (name === 'diagram') return diagramSvg();
    const state = page.state();
    const exporter = await model.exporter(state);
    try {
      const canvasOf = { timeline: 'timeline', cell: 'cell-chart', activations: 'activation-panel' };
      const canvas = $(canvasOf[name]);
      const width = Math.max(1, Math.round(canvas.clientWidth / page.scale()));
      const { start, len } = page.timeWindow.get();
      if (name === 'timeline') {
        const svg = model.guard(() => exporter.timeline_svg(width, start, len, state.t, state.unit));
        if (!svg.ok) throw new Error(svg.message);
        return { svg: svg.value, width, height: Math.ceil(model.timelineHeight()) };
      }
      // The size the view gave its canvas, in the page's own units.
      const height = Math.max(1, Math.round(canvas.clientHeight / page.scale()));
      const svg = model.guard(() => (name === 'cell'
        ? exporter.cell_chart_svg(width, height, start, len, state.t, state.unit)
        : exporter.activations_svg(width, height, state.t)));
      if (!svg.ok) throw new Error(svg.message);
      return { svg: svg.value, width, height };
    } finally {
      exporter.free();
    }
  }

  /** The trace as the CLI writes it, in `format` ('csv' or 'json'). */
  async function trace(format) {
    const exporter = await model.exporter(page.state());
    try {
      const r = model.guard(() => (format === 'csv' ? exporter.trace_csv() : exporter.trace_json()));
      if (!r.ok) throw new Error(r.message);
      return r.value;
    } finally {
      exporter.free();
    }
  }

  async function save(action, label) {
    status.textContent = `Saving ${label}…`;
    try {
      const name = await action();
      status.textContent = `Saved ${name}.`;
    } catch (e) {
      status.textContent = `Could not save ${label}: ${e.message}`;
      page.notify(`Could not save ${label}: ${e.message}`, 'error');
    }
  }

  function button(text, title, onClick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.title = title;
    b.addEventListener('click', onClick);
    return b;
  }

  function row(label, buttons) {
    const item = document.createElement('li');
    const name = document.createElement('span');
    name.textContent = label;
    item.append(name, ...buttons);
    list.append(item);
  }

  function build() {
    list.replaceChildren();
    for (const view of page.shownViews().filter((v) => v.save)) {
      const buttons = view.save.map((format) => button(format.toUpperCase(), `Save the ${view.label} as ${format.toUpperCase()}`, () => save(async () => {
        const { svg, width, height } = await picture(view.name);
        const name = fileName(page.state(), view.name, format, page.file());
        download(format === 'svg' ? new Blob([svg], { type: 'image/svg+xml' }) : await svgToPng(svg, width, height), name);
        return name;
      }, `the ${view.label}`)));
      row(view.label, buttons);
    }
    const data = (format) => () => save(async () => {
      const text = await trace(format);
      const name = fileName(page.state(), 'trace', format, page.file());
      download(new Blob([text], { type: format === 'csv' ? 'text/csv' : 'application/json' }), name);
      return name;
    }, `the trace as ${format.toUpperCase()}`);
    row('every traced value, per step and unit (as gatelab trace writes it)', [
      button('CSV', 'Save the trace as CSV', data('csv')),
      button('JSON', 'Save the trace as JSON', data('json')),
    ]);
    row('the text, whole (as a file to share instead of a long link)', [button('TXT', 'Save the text as a file', () => save(async () => {
      const name = fileName({ ...page.state(), acts: standardActivations() }, 'text', 'txt', page.file());
      download(new Blob([page.state().text], { type: 'text/plain;charset=utf-8' }), name);
      return name;
    }, 'the text'))]);
    row('the model\'s weights, in PyTorch\'s layout', [button('JSON', 'Save the weights as PyTorch JSON', () => save(async () => {
      const r = model.guard(() => model.exportWeights());
      if (!r.ok) throw new Error(r.message);
      const name = fileName({ ...page.state(), acts: standardActivations() }, 'weights', 'json', page.file());
      download(new Blob([r.value], { type: 'application/json' }), name);
      return name;
    }, 'the weights'))]);
  }

  $('save-close').addEventListener('click', () => dialog.close());
  return {
    open() {
      build();
      const { steps, total_chars: total } = page.summary();
      status.textContent = total > steps
        ? `The data has the first ${steps.toLocaleString('en')} steps, the ones the page shows; the command line traces the whole text.`
        : '';
      showDialogInSight(dialog);
    },
  };
}
