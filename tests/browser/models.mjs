// Weights files for the browser tests: a seeded PyTorch-layout LSTM of any size, and a way to
// give one to the page.

/** PyTorch-layout JSON for an H-unit cell over `vocab`, from a seeded generator. */
export function weightsJson(hidden, vocab, seed = 7) {
  let s = seed;
  const uniform = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Number((((s / 4294967296) * 2 - 1) / Math.sqrt(hidden)).toFixed(5));
  };
  const matrix = (rows, cols) => Array.from({ length: rows }, () => Array.from({ length: cols }, uniform));
  return JSON.stringify({
    weight_ih_l0: matrix(4 * hidden, vocab.length),
    weight_hh_l0: matrix(4 * hidden, hidden),
    bias_ih_l0: Array.from({ length: 4 * hidden }, uniform),
    bias_hh_l0: Array.from({ length: 4 * hidden }, uniform),
    vocab,
  });
}

/** Gives the page a weights file through its file input. */
export async function load(page, name, json) {
  await page.setInputFiles('#weights-file', { name, mimeType: 'application/json', buffer: Buffer.from(json) });
}

/** Every unit's value of quantity `q` at every step on the page, as one row per step. */
export async function perStep(page, q) {
  const { hidden } = await page.evaluate(() => window.__gatelab.summary());
  const flat = await page.evaluate((q) => window.__gatelab.values(q), q);
  return Array.from({ length: flat.length / hidden }, (_, t) => flat.slice(t * hidden, (t + 1) * hidden));
}
