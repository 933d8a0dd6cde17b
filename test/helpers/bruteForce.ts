// Independent reference for the frontier tests: a grid search, sharing no code with src/frontier.
/**
 * Independent brute force over (m, l) with D = C/(6 k m^2 l), m >= 8 and l >= 1: a wide log grid, then finer
 * ones around its best cell, never leaving the first grid's range (an optimum on l = 1 stays there).
 */
export function bruteForceShape(loss: (m: number, l: number, D: number) => number, C: number, k = 12) {
  const M_LO = Math.log(8), M_HI = Math.log(1e6), L_LO = 0, L_HI = Math.log(1e4);
  let mLo = M_LO, mHi = M_HI, lLo = L_LO, lHi = L_HI;
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
    mLo = Math.max(M_LO, cm - 3 * dm); mHi = Math.min(M_HI, cm + 3 * dm); lLo = Math.max(L_LO, cl - 3 * dl); lHi = Math.min(L_HI, cl + 3 * dl);
  }
  return best;
}

/** Independent brute force: log grid over N in [1, C/6] with D = C/(6N), refined twice around the best point, within that range. */
export function bruteForceND(loss: (N: number, D: number) => number, C: number) {
  const LO = 0, HI = Math.log(C / 6);
  let lo = LO;
  let hi = HI;
  let best = { N: NaN, D: NaN, L: Infinity };
  for (let pass = 0; pass < 3; pass++) {
    const steps = 4000;
    let bi = 0;
    for (let i = 0; i <= steps; i++) {
      const u = lo + ((hi - lo) * i) / steps;
      const N = Math.exp(u);
      const D = C / (6 * N);
      const L = loss(N, D);
      if (L < best.L) { best = { N, D, L }; bi = i; }
    }
    const step = (hi - lo) / steps;
    const centre = lo + bi * step;
    lo = Math.max(LO, centre - 2 * step);
    hi = Math.min(HI, centre + 2 * step);
  }
  return best;
}
