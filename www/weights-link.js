// Small models travel in the link: the cell's weights as base64url little-endian float32, with
// the hidden size, the vocabulary and (for any design but the plain LSTM) the design. Bigger ones (more numbers than the catalog's
// max_link_weights, about 11 KB of URL at the limit) are left out of links: download them instead.

import { cells, cellSpec, limits } from './catalog.js';

/**
 * The tensors a design's file holds, in the order a link carries them: [key, rows, columns]
 * (columns 0 for a vector). W_hh and b_hh only for a design with recurrent weights, the
 * peepholes only when there are any.
 */
function tensorsOf(spec, hidden, inputs, peepholes) {
  const rows = spec.blocks.length * hidden;
  return [
    ['weight_ih_l0', rows, inputs],
    ...(spec.recurrent ? [['weight_hh_l0', rows, hidden]] : []),
    ['bias_ih_l0', rows, 0],
    ...(spec.recurrent ? [['bias_hh_l0', rows, 0]] : []),
    ...(peepholes ? spec.peepholes.map((p) => [p.key, hidden, 0]) : []),
  ];
}

const numberCount = (tensors) => tensors.reduce((sum, [, rows, columns]) => sum + rows * Math.max(columns, 1), 0);

function toBase64Url(bytes) {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not base64url');
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/**
 * Encodes a model given as PyTorch JSON (as the wasm module exports it), whose size the loaded
 * model gives as {hidden, inputs, cell}: `hidden.vocab.weights`, and for any design but the plain
 * LSTM a fourth part naming it (`gru`, `lstm+peepholes`). Returns null when it has more numbers
 * than a link may carry.
 */
export function encodeWeights(json, size) {
  // A link carries one layer's weights and no read-out.
  if (size.layers > 1 || size.readout) return null;
  // The smallest design's count first: parsing a 55 MB file again only to learn that it is too
  // big for a link took half a second.
  if (2 * size.hidden * (size.inputs + 1) > limits().max_link_weights) return null;
  // `json` is the model as Gate Lab writes it (a function, so a large one is never written).
  const model = JSON.parse(typeof json === 'function' ? json() : json);
  // The design as loaded (a GRU's file need not say it is one).
  const cell = size.cell ?? model.cell ?? 'lstm';
  const spec = cellSpec(cell);
  const peepholes = spec.peepholes.some((p) => p.key in model);
  const tensors = tensorsOf(spec, size.hidden, size.inputs, peepholes);
  if (numberCount(tensors) > limits().max_link_weights) return null;
  const numbers = tensors.flatMap(([key]) => model[key].flat());
  const vocab = toBase64Url(new TextEncoder().encode(model.vocab.join('')));
  const bytes = new Uint8Array(new Float32Array(numbers).buffer);
  const design = cell === 'lstm' && !peepholes ? '' : `.${cell}${peepholes ? '+peepholes' : ''}`;
  return `${size.hidden}.${vocab}.${toBase64Url(bytes)}${design}`;
}

/** Decodes a link's weights back to PyTorch JSON for the loader; throws a readable Error. */
export function decodeWeights(text) {
  const parts = text.split('.');
  if (parts.length !== 3 && parts.length !== 4) throw new Error('expected hidden.vocab.weights, and a design after another dot');
  const hidden = Number(parts[0]);
  if (!Number.isInteger(hidden) || hidden < 1 || hidden > limits().max_hidden) throw new Error('bad hidden size');
  const [cell, option] = (parts[3] ?? 'lstm').split('+');
  const spec = cells().find((c) => c.name === cell);
  if (!spec) throw new Error(`unknown cell design ${JSON.stringify(cell)}`);
  const peepholes = option === 'peepholes' && spec.peepholes.length > 0;
  if (option !== undefined && !peepholes) throw new Error('unknown design option');
  const vocab = [...new TextDecoder('utf-8', { fatal: true }).decode(fromBase64Url(parts[1]))];
  const bytes = fromBase64Url(parts[2]);
  if (bytes.length % 4 !== 0) throw new Error('weights are not whole float32 numbers');
  // The same limit as when writing: a link never carries a bigger model.
  const most = limits().max_link_weights;
  if (bytes.length / 4 > most) throw new Error(`${(bytes.length / 4).toLocaleString('en')} numbers; links carry models of at most ${most.toLocaleString('en')}`);
  const numbers = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
  const tensors = tensorsOf(spec, hidden, vocab.length, peepholes);
  const expected = numberCount(tensors);
  if (numbers.length !== expected) {
    throw new Error(`expected ${expected} numbers for ${spec.label}, H = ${hidden} and ${vocab.length} symbols, found ${numbers.length}`);
  }
  let at = 0;
  const take = (n) => numbers.slice(at, (at += n));
  const file = Object.fromEntries(tensors.map(([key, rows, columns]) =>
    [key, columns ? Array.from({ length: rows }, () => take(columns)) : take(rows)]));
  return JSON.stringify({ ...file, vocab, ...(cell === 'lstm' ? {} : { cell }) });
}
