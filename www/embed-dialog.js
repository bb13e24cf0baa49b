// The Embed dialog: pick the views and controls, see the embed live, copy its snippet (the
// snippet and the height messages are embed.js's). Loaded when the dialog is first opened.

import { controlTable, defaultControls } from './control-table.js';
import { viewNames, viewRow } from './views/table.js';
import * as model from './model.js';
import { EMBED_VIEWS, FALLBACK_HEIGHT, embedLink, embedSnippet, heightFrom } from './embed.js';

const $ = (id) => document.getElementById(id);

/** A checkbox per name in `fieldset`; returns a function giving the ticked names in order. */
function checkboxes(fieldset, rows, ticked, onChange) {
  const boxes = rows.map(({ name, label }) => {
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = name;
    box.id = `${fieldset.id}-${name}`;
    box.checked = ticked.includes(name);
    box.addEventListener('change', onChange);
    const text = document.createElement('label');
    text.htmlFor = box.id;
    text.textContent = label;
    const item = document.createElement('span');
    item.className = 'check';
    item.append(box, text);
    fieldset.append(item);
    return box;
  });
  return () => boxes.filter((b) => b.checked).map((b) => b.value);
}

/** The Embed dialog: pick views and controls, see the embed live, copy its snippet. */
export function createEmbedDialog({ state, notify }) {
  const dialog = $('embed-dialog');
  const preview = $('embed-preview');
  const snippet = $('embed-snippet');
  let views = null;
  let controls = null;
  let height = FALLBACK_HEIGHT;
  let timer = 0;

  function refresh({ reload }) {
    const chosenViews = views();
    const url = embedLink(state(), chosenViews.length ? chosenViews : EMBED_VIEWS, controls());
    snippet.value = embedSnippet(url, height);
    if (!reload) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (preview.src !== url) preview.src = url;
    }, 250);
  }

  // The preview reports its height like any embed; the snippet's fixed height follows it.
  window.addEventListener('message', (e) => {
    if (e.source !== preview.contentWindow) return;
    const h = heightFrom(e.data);
    if (h === null) return;
    preview.style.height = `${h}px`;
    if (h !== height) {
      height = h;
      refresh({ reload: false });
    }
  });

  function build() {
    const s = state();
    const viewRows = viewNames().map((name) => ({ name, label: viewRow(name).label }));
    views = checkboxes($('embed-views'), viewRows, s.views ?? EMBED_VIEWS, () => refresh({ reload: true }));
    const ticked = s.controls ?? defaultControls(true, s.views ?? EMBED_VIEWS);
    // The activation controls of the cell on screen.
    controls = checkboxes($('embed-controls'), controlTable(model.summary().cell), ticked, () => refresh({ reload: true }));
  }

  $('embed-copy').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(snippet.value);
      $('embed-copied').textContent = 'Copied.';
    } catch {
      snippet.select();
      $('embed-copied').textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
    }
  });
  $('embed-close').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    clearTimeout(timer);
    preview.removeAttribute('src');
  });

  return {
    open() {
      if (!views) build();
      $('embed-copied').textContent = '';
      try {
        dialog.showModal();
      } catch (e) {
        notify(`The embed dialog could not open: ${e.message}`, 'error');
        return;
      }
      refresh({ reload: true });
    },
  };
}
