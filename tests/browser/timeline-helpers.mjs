// Reading the timeline canvas back in tests: where its rows and columns are (through the page's
// own hit-testing, so no pixel position is written out in a test), and its pixels.
import assert from 'node:assert/strict';

/**
 * Where the timeline's rows and columns lie in the canvas (device pixels), found through the
 * page's own hit-testing, so no pixel position is written out here: rows.c = {top, bottom} and
 * columns[t] = {left, right}, both inclusive.
 */
export const timelineLayout = (page) => page.evaluate(() => {
  const hooks = window.__gatelab;
  const { width, height } = document.getElementById('timeline');
  // Rows: down a line just inside the plot's left edge (the catalog's margin).
  const inside = Math.ceil(hooks.catalog().margins.left * devicePixelRatio) + 1;
  const rows = {};
  for (let y = 0; y < height; y++) {
    const hit = hooks.locate(inside, y);
    if (!hit) continue;
    const row = (rows[hooks.rowName(hit[0])] ??= { top: y, bottom: y });
    row.bottom = y;
  }
  // Columns: across the middle of the c row.
  const middle = Math.round((rows.c.top + rows.c.bottom) / 2);
  const columns = [];
  for (let x = 0; x < width; x++) {
    const hit = hooks.locate(x, middle);
    if (!hit) continue;
    const column = (columns[hit[1]] ??= { left: x, right: x });
    column.right = x;
  }
  return { width, rows, columns };
});

/** The timeline canvas's [r, g, b] at each of `points` ([x, y] in device pixels). */
export const pixels = (page, points) => page.evaluate((points) => {
  const canvas = document.getElementById('timeline');
  const context = canvas.getContext('2d');
  return points.map(([x, y]) => Array.from(context.getImageData(x, y, 1, 1).data.slice(0, 3)));
}, points);

export const distance = (a, b) => Math.max(...a.map((v, k) => Math.abs(v - b[k])));
export const centre = ({ left, right }, { top, bottom }) => [Math.round((left + right) / 2), Math.round((top + bottom) / 2)];

/**
 * The legend bar right of a row: its x, found as the first run of identical, coloured (not
 * grey) pixels right of the plot along the row's top line.
 */
export async function legendX(page, layout, row) {
  const from = layout.columns.at(-1).right + 2;
  const line = await pixels(page, Array.from({ length: layout.width - from }, (_, k) => [from + k, row.top]));
  const coloured = (p) => Math.max(...p) - Math.min(...p) > 30;
  const start = line.findIndex((p, k) => coloured(p) && line.slice(k, k + 6).every((q) => distance(p, q) === 0));
  assert.ok(start >= 0, 'a legend bar right of the row');
  return from + start + 2;
}


/**
 * The timeline's layout once the page has stopped redrawing: the same layout read twice, two
 * frames apart, with the page idle both times (a late resize, such as a scrollbar appearing
 * under load, redraws the canvas at another width after the first idle).
 */
export async function steadyLayout(page) {
  const idle = () => page.waitForFunction(() => window.__gatelab.idle());
  const twoFrames = () => page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  await idle();
  let layout = await timelineLayout(page);
  for (let tries = 0; tries < 5; tries++) {
    await twoFrames();
    await idle();
    const again = await timelineLayout(page);
    if (JSON.stringify(again) === JSON.stringify(layout)) return layout;
    layout = again;
  }
  assert.fail('the timeline kept changing its layout');
}
