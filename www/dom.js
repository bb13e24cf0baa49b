// Small DOM helpers that avoid needless work: assigning the text an element already has still
// makes the browser lay the page out again.

/** Sets `element`'s text, only if it differs. */
export function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

/** Sets a form control's value, only if it differs. */
export function setValue(element, value) {
  if (element.value !== value) element.value = value;
}
