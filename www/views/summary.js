// Parameter count and gate saturation: small numbers from the model's summary.

import { preset } from '../catalog.js';
import { FILE_PRESET } from '../state.js';
import { blockWorked } from '../format.js';
import { bar, setText } from '../dom.js';

/** Parameter count with its formula. */
function renderParameters(summary) {
  const { parameters, blocks: all, live_blocks: blocks, hidden: h, peepholes, live_peepholes: eyes } = summary;
  setText(document.getElementById('param-count'), parameters.toLocaleString('en'));
  const seeing = peepholes ? ` + ${eyes} peephole${eyes === 1 ? '' : 's'} × H = ${eyes} × ${h}` : '';
  setText(document.getElementById('param-formula'),
    `${blocks} gate block${blocks === 1 ? '' : 's'} × ${summary.block_formula} = ${blocks} × ${blockWorked(summary)}${seeing}. ` +
    (blocks < all ? `A gate set to “none” (the constant 1) or coupled (1 − i) has no weights of its own: ${all - blocks === 1 ? 'its block is' : 'their blocks are'} gone.` :
      'Set a gate to “none” and its block of weights disappears.'));
}

/** The blocks of bars, built once per design and updated in place. */
let blocks = null;
let blocksKey = '';

/** Share of each gate's values near its ends, over the whole run. */
function renderSaturation(summary) {
  const host = document.getElementById('saturation');
  const key = summary.saturation.map((s) => s.quantity).join(' ');
  if (key !== blocksKey) {
    blocksKey = key;
    host.replaceChildren();
    blocks = summary.saturation.map((s) => {
      const block = document.createElement('div');
      block.className = 'saturation';
      block.dataset.quantity = s.quantity;
      const title = document.createElement('div');
      title.className = 'saturation-title';
      const bars = [bar('low'), bar('mid'), bar('high')];
      block.append(title, ...bars.map((b) => b.wrap));
      host.append(block);
      return { title, bars };
    });
  }
  summary.saturation.forEach((s, k) => {
    const { title, bars } = blocks[k];
    setText(title, `${s.label} (${s.activation})`);
    const signed = s.low_threshold < 0;
    const empty = summary.steps === 0;
    const middle = empty ? 0 : Math.max(0, 1 - s.low - s.high);
    bars[0].update(s.low, signed ? `near −1 (< −${s.high_threshold})` : `near 0 (< ${s.low_threshold})`);
    bars[1].update(middle, 'in between');
    bars[2].update(s.high, `near ${signed ? '+' : ''}1 (> ${s.high_threshold})`);
  });
}

export const createParameters = () => ({ update: (frame) => renderParameters(frame.summary) });

/**
 * The saturation view. On a hand-set preset the bars say little: its weights are ±10, so its
 * gates are saturated by construction. A note says so and points to training.
 */
export function createSaturation() {
  const note = document.getElementById('saturation-note');
  return {
    update(frame) {
      renderSaturation(frame.summary);
      // A shipped trained model is not hand-set: its saturation is what training gave.
      const shown = preset(frame.state.preset);
      const handSet = frame.state.preset !== FILE_PRESET && !shown?.sized && !shown?.real;
      if (note.hidden !== !handSet) note.hidden = !handSet;
    },
  };
}
