/**
 * The order in which a sweep hands its configurations to the workers (docs/toys.md#sweeps). The rows
 * come back in grid order whatever this order is, and each configuration has its own seed, so it
 * changes only how evenly the workers are loaded, never a result.
 */

/**
 * The grid's indices in reflected (boustrophedon) order: a factor's values run backwards whenever the
 * walk over the factors before it is at an odd step. With the last factor fastest, consecutive configurations
 * still differ in one factor, and where a factor makes runs slower (a flatter teacher, a wider model),
 * the slow and fast values alternate between the workers instead of piling up on one.
 */
export function reflectedOrder(sizes: number[]): number[] {
  const total = sizes.reduce((n, s) => n * s, 1);
  const order: number[] = [];
  for (let i = 0; i < total; i++) {
    // digits of i in the mixed radix (last factor fastest), then reflected
    const digits: number[] = [];
    let rest = i;
    for (let k = sizes.length - 1; k >= 0; k--) {
      digits[k] = rest % sizes[k];
      rest = Math.floor(rest / sizes[k]);
    }
    let index = 0;
    let walked = 0; // steps of the walk over the factors before k
    for (let k = 0; k < sizes.length; k++) {
      const d = walked % 2 === 1 ? sizes[k] - 1 - digits[k] : digits[k];
      walked = walked * sizes[k] + digits[k];
      index = index * sizes[k] + d;
    }
    order.push(index);
  }
  return order;
}

/**
 * Longest first: the configurations by their planned steps, most first (ties in reflected order), so
 * that no long run starts last while the other workers stand idle.
 */
export function dispatchOrder(sizes: number[], steps: number[]): number[] {
  const reflected = reflectedOrder(sizes);
  return reflected.map((index, rank) => ({ index, rank })).sort((a, b) => steps[b.index] - steps[a.index] || a.rank - b.rank).map((e) => e.index);
}
