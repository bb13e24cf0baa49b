// Light and dark: the system's preference (prefers-color-scheme) unless the link or the toggle
// says otherwise (`theme=` in state.js's table). The page's CSS follows data-theme on <html>;
// the canvases follow set_dark_theme in the wasm module.

import * as model from './model.js';

const query = window.matchMedia?.('(prefers-color-scheme: dark)');

/** `state()` gives the page state ({theme: 'light' | 'dark' | null}); `redraw()` redraws. */
export function createTheme({ state, redraw }) {
  const button = document.getElementById('theme-toggle');
  let dark = null;

  const wanted = () => (state().theme ? state().theme === 'dark' : Boolean(query?.matches));

  /** Applies the theme the state asks for; redraws if it changed. */
  function apply() {
    const next = wanted();
    if (next === dark) return;
    dark = next;
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
    model.guard(() => model.setDarkTheme(dark));
    button.setAttribute('aria-pressed', String(dark));
    button.textContent = dark ? 'Light mode' : 'Dark mode';
    redraw();
  }

  button.addEventListener('click', () => {
    state().theme = dark ? 'light' : 'dark';
    apply();
  });
  query?.addEventListener?.('change', apply);
  apply();
  return { apply, dark: () => dark };
}
