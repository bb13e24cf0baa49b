// Small DOM helpers that avoid needless work: assigning the text an element already has still
// makes the browser lay the page out again.

import { percent } from './format.js';

/**
 * Sets `element`'s text, only if it differs. An element holding one text node keeps it and has
 * its characters changed: replacing the node (as `textContent =` does) makes the browser style
 * a new node and lay it out from scratch, and the tables' numbers, rewritten every frame of a
 * drag, were dozens of new nodes a frame.
 */
export function setText(element, text) {
  const only = element.firstChild;
  if (only && only === element.lastChild && only.nodeType === Node.TEXT_NODE && text !== '') {
    if (only.data !== text) only.data = text;
  } else if (element.textContent !== text) {
    element.textContent = text;
  }
}

/** Sets a form control's value, only if it differs. */
export function setValue(element, value) {
  if (element.value !== value) element.value = value;
}

/** Offers `blob` as a download named `name`. */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * A bar of a share: a label, a track filled to the share, and the share as a percentage
 * (the saturation view's rows, the inspector's predictions). `className` colours the fill.
 */
export function bar(className) {
  const wrap = document.createElement('div');
  wrap.className = 'bar-row';
  const name = document.createElement('span');
  name.className = 'bar-label';
  const track = document.createElement('span');
  track.className = 'bar-track';
  const fill = document.createElement('span');
  fill.className = `bar-fill ${className}`;
  track.append(fill);
  const value = document.createElement('span');
  value.className = 'bar-value';
  wrap.append(name, track, value);
  return {
    wrap,
    update(share, label) {
      setText(name, label);
      fill.style.width = `${(share * 100).toFixed(1)}%`;
      setText(value, percent(share));
    },
  };
}
