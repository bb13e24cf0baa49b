// Visible messages: bad input, recovered crashes, truncation. Text only, never HTML.

const box = () => document.getElementById('notices');

/** At most this many notices show at once: the oldest go first. */
const MAX_SHOWN = 8;

/**
 * Shows a message; `kind` is 'info' or 'error'. Returns the element. The same message again
 * moves to the end instead of piling up, and only the latest few stay.
 */
export function notify(message, kind = 'info') {
  for (const old of box().querySelectorAll('.notice')) {
    if (old.querySelector('span')?.textContent === message) old.remove();
  }
  const item = document.createElement('div');
  item.className = `notice ${kind}`;
  item.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  const text = document.createElement('span');
  text.textContent = message;
  const close = document.createElement('button');
  close.type = 'button';
  close.textContent = '×';
  close.setAttribute('aria-label', 'Dismiss');
  close.addEventListener('click', () => item.remove());
  item.append(text, close);
  box().append(item);
  while (box().children.length > MAX_SHOWN) box().firstElementChild.remove();
  return item;
}

/** Every message currently shown (for tests). */
export function currentNotices() {
  return [...box().querySelectorAll('.notice span')].map((s) => s.textContent);
}
