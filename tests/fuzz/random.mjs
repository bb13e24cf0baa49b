// A small seeded generator (mulberry32) with the helpers the property and fuzz tests use, so a
// failure names an input that can be replayed from its seed.

export function random(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = (list) => list[int(0, list.length - 1)];
  const subset = (list) => list.filter(() => next() < 0.5).sort(() => next() - 0.5);
  return { next, int, pick, subset };
}
