// Visible messages: bad input, recovered crashes, truncation. Text only, never HTML.

const box = () => document.getElementById('notices');

/** Shows a message; `kind` is 'info' or 'error'. Returns the element. */
export function notify(message, kind = 'info') {
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
  return item;
}

/** Every message currently shown (for tests). */
export function currentNotices() {
  return [...box().querySelectorAll('.notice span')].map((s) => s.textContent);
}
