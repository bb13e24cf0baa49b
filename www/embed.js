// Embedding in a blog post: the height an embedded page reports to its host, the snippet an
// author pastes and the links it holds. The Embed dialog that writes it is embed-dialog.js,
// loaded when it is opened. Which views and controls an embed shows come from the view table
// and the control table, through `views=` and `controls=` in the link (state.js).

import { writeState } from './state.js';

/** The views an embed shows when its link names none. */
export const EMBED_VIEWS = ['diagram', 'timeline', 'cell', 'activations'];

/** The iframe's height before the page inside has said its own (hosts that strip scripts keep it). */
export const FALLBACK_HEIGHT = 640;

/**
 * In an iframe, tells the host page how tall the content is, now and whenever it changes, in
 * the two formats hosts already understand: Embedly's JSON string (also Observable's) and AMP's
 * embed-size message. The height is all it sends.
 */
export function reportHeight() {
  if (window.parent === window) return;
  let last = -1;
  const send = () => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage(JSON.stringify({ context: 'iframe.resize', height }), '*');
    window.parent.postMessage({ sentinel: 'amp', type: 'embed-size', height }, '*');
  };
  new ResizeObserver(send).observe(document.body);
  send();
}

/**
 * Opens `dialog` as a modal where the reader is looking: in an embed taller than the host's
 * screen, over the stretch of the frame on that screen rather than in the frame's middle. That
 * stretch is measured as the dialog opens, by an IntersectionObserver with no root (which
 * measures against the host's screen): its first report comes in the next frame. A watch kept
 * from the start missed scrolls that leave the share of the frame in sight unchanged, since an
 * observer reports only when that share crosses a threshold.
 */
export function showDialogInSight(dialog) {
  dialog.style.removeProperty('margin-top');
  dialog.style.removeProperty('max-height');
  if (window.parent === window || !('IntersectionObserver' in window)) {
    dialog.showModal();
    return;
  }
  const observer = new IntersectionObserver(([entry]) => {
    observer.disconnect();
    const box = entry.boundingClientRect;
    const part = entry.intersectionRect;
    const height = part.bottom - part.top;
    if (entry.isIntersecting && height < window.innerHeight - 1) {
      dialog.style.marginTop = `${Math.max(0, part.top - box.top - window.scrollY + 8)}px`;
      dialog.style.maxHeight = `${Math.max(200, height - 16)}px`;
    }
    if (!dialog.open) dialog.showModal();
  });
  observer.observe(document.documentElement);
}

/** A height message from either format, or null. */
export function heightFrom(data) {
  let message = data;
  if (typeof message === 'string') {
    try {
      message = JSON.parse(message);
    } catch {
      return null;
    }
  }
  const ok = message && (message.context === 'iframe.resize' || (message.sentinel === 'amp' && message.type === 'embed-size'));
  return ok && Number.isFinite(message.height) && message.height > 0 ? Math.ceil(message.height) : null;
}

const attribute = (text) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The snippet for an embed of `url`: an iframe (lazy, with a title and a fixed height for hosts
 * that strip scripts) and an optional script that sets the height the page inside reports.
 */
export function embedSnippet(url, height = FALLBACK_HEIGHT) {
  return `<iframe src="${attribute(url)}" title="Gate Lab: an LSTM cell, gate by gate" width="100%" height="${height}" loading="lazy" style="border:0;max-width:100%"></iframe>
<script>
(function (frame) {
  addEventListener("message", function (e) {
    if (e.source !== frame.contentWindow) return;
    var d = e.data;
    try { if (typeof d === "string") d = JSON.parse(d); } catch (_) { return; }
    if (d && d.context === "iframe.resize" && d.height > 0) frame.style.height = Math.ceil(d.height) + "px";
  });
})(document.currentScript.previousElementSibling);
</script>`;
}

/** The link to an embed of `state` showing `views` and `controls` (lessons and presenter mode off). */
export function embedLink(state, views, controls) {
  const query = writeState({ ...state, embed: true, views, controls, lesson: 0, present: false });
  return new URL(query, location.href).href;
}

/** The link to the full page in the same state as an embed. */
export function fullPageLink(state) {
  return new URL(writeState({ ...state, embed: false, views: null, controls: null }), location.href).href;
}
