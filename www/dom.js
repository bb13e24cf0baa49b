// Small DOM helpers that avoid needless work: assigning the text an element already has still
// makes the browser lay the page out again.

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
