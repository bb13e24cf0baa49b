// Presenter mode, for a projector: fullscreen (or, when the browser refuses, the same layout in
// the window), every canvas's text scaled from one value so its smallest text reaches 18 px,
// lesson text at 24 px, and the lesson's views beside compact controls. The P key or the button
// enters it; Esc (or the button) leaves it.

import { catalog } from './catalog.js';

/** The smallest canvas text in presenter mode, in CSS px. */
export const PRESENTER_MIN_TEXT = 18;

/** The canvases' text scale in presenter mode: the small text size reaches the minimum. */
export const presenterScale = () => PRESENTER_MIN_TEXT / catalog().text_sizes.small;

/** `onChange(on)` is called when presenter mode starts or stops, for any reason. */
export function createPresenter({ onChange, notify }) {
  const button = document.getElementById('presenter-toggle');
  let on = false;

  function set(value) {
    if (value === on) return;
    on = value;
    document.body.classList.toggle('presenter', on);
    button.setAttribute('aria-pressed', String(on));
    button.textContent = on ? 'Leave presenter mode' : 'Presenter mode';
    onChange(on);
  }

  /** Enters presenter mode, fullscreen when the browser allows it. */
  async function enter({ fullscreen = true } = {}) {
    set(true);
    if (!fullscreen || document.fullscreenElement) return;
    try {
      if (!document.documentElement.requestFullscreen) throw new Error('no Fullscreen API');
      await document.documentElement.requestFullscreen({ navigationUI: 'hide' });
    } catch {
      notify('Fullscreen was not allowed here, so presenter mode fills the window instead. Press F11 for fullscreen, Esc to leave.');
    }
  }

  function leave() {
    set(false);
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
  }

  // Esc in fullscreen is taken by the browser: leaving fullscreen leaves presenter mode.
  document.addEventListener('fullscreenchange', () => {
    if (!document.fullscreenElement && on) set(false);
  });
  button.addEventListener('click', () => (on ? leave() : enter()));

  return {
    enter,
    leave,
    toggle: () => (on ? leave() : enter()),
    active: () => on,
    /** The canvases' text scale now. */
    scale: () => (on ? presenterScale() : 1),
  };
}
