// Independent reference for the frontier tests: a grid search, sharing no code with src/frontier.
/** Independent brute force over (m, l) with D = C/(6 k m^2 l): a wide log grid, then a finer one around its best cell. */
export function bruteForceShape(loss: (m: number, l: number, D: number) => number, C: number, k = 12) {
  let mLo = Math.log(8), mHi = Math.log(1e6), lLo = 0, lHi = Math.log(1e4);
  let best = { m: NaN, l: NaN, N: NaN, D: NaN, L: Infinity };
  for (let pass = 0; pass < 4; pass++) {
    const steps = 600;
    const dm = (mHi - mLo) / steps, dl = (lHi - lLo) / steps;
    let bm = 0, bl = 0;
    for (let i = 0; i <= steps; i++) {
      const m = Math.exp(mLo + i * dm);
      for (let j = 0; j <= steps; j++) {
        const l = Math.exp(lLo + j * dl);
        const N = k * m * m * l;
        const D = C / (6 * N);
        const L = loss(m, l, D);
        if (L < best.L) { best = { m, l, N, D, L }; bm = i; bl = j; }
      }
    }
    const cm = mLo + bm * dm, cl = lLo + bl * dl;
    mLo = cm - 3 * dm; mHi = cm + 3 * dm; lLo = cl - 3 * dl; lHi = cl + 3 * dl;
  }
  return best;
}
