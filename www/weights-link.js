// Small models travel in the link: the LSTM's weights as base64url little-endian float32, with
// the hidden size and the vocabulary. Bigger ones (more numbers than the catalog's
// max_link_weights, about 11 KB of URL at the limit) are left out of links: download them instead.

import { cellSpec, limits } from './catalog.js';

const TENSORS = ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'];

/** Rows of the LSTM's matrices: H per weight block. */
const rowsFor = (hidden) => cellSpec('lstm').blocks.length * hidden;

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
 * model gives as {hidden, inputs}. Returns null when it has more numbers than a link may carry.
 */
export function encodeWeights(json, size) {
  // Counted from the model's size first: parsing a 55 MB file again only to learn that it is
  // too big for a link took half a second.
  if (rowsFor(size.hidden) * (size.inputs + size.hidden + 2) > limits().max_link_weights) return null;
  const model = JSON.parse(json);
  const numbers = TENSORS.flatMap((name) => model[name].flat());
  if (numbers.length > limits().max_link_weights) return null;
  const hidden = model.weight_hh_l0[0].length;
  const vocab = toBase64Url(new TextEncoder().encode(model.vocab.join('')));
  const bytes = new Uint8Array(new Float32Array(numbers).buffer);
  return `${hidden}.${vocab}.${toBase64Url(bytes)}`;
}

/** Decodes a link's weights back to PyTorch JSON for the loader; throws a readable Error. */
export function decodeWeights(text) {
  const parts = text.split('.');
  if (parts.length !== 3) throw new Error('expected hidden.vocab.weights');
  const hidden = Number(parts[0]);
  if (!Number.isInteger(hidden) || hidden < 1 || hidden > limits().max_hidden) throw new Error('bad hidden size');
  const vocab = [...new TextDecoder('utf-8', { fatal: true }).decode(fromBase64Url(parts[1]))];
  const bytes = fromBase64Url(parts[2]);
  if (bytes.length % 4 !== 0) throw new Error('weights are not whole float32 numbers');
  // The same limit as when writing: a link never carries a bigger model.
  const most = limits().max_link_weights;
  if (bytes.length / 4 > most) throw new Error(`${(bytes.length / 4).toLocaleString('en')} numbers; links carry models of at most ${most.toLocaleString('en')}`);
  const numbers = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
  const rows = rowsFor(hidden);
  const sizes = [rows * vocab.length, rows * hidden, rows, rows];
  if (numbers.length !== sizes.reduce((a, b) => a + b, 0)) {
    throw new Error(`expected ${sizes.reduce((a, b) => a + b, 0)} numbers for H = ${hidden} and ${vocab.length} symbols, found ${numbers.length}`);
  }
  let at = 0;
  const take = (n) => numbers.slice(at, (at += n));
  const matrix = (cols) => Array.from({ length: rows }, () => take(cols));
  return JSON.stringify({
    weight_ih_l0: matrix(vocab.length),
    weight_hh_l0: matrix(hidden),
    bias_ih_l0: take(rows),
    bias_hh_l0: take(rows),
    vocab,
  });
}
