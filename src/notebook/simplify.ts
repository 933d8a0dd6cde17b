/**
 * Line simplification for display: the points of a drawn line that a screen can tell apart. A line
 * is drawn in its axes' space (log10 on log axes), so a power law on log-log axes is straight and
 * needs its two ends only, and a smooth curve keeps the points where it bends. Ramer-Douglas-Peucker
 * with a tolerance relative to the line's own extent (default 1/1000: half a pixel on a 500 px chart).
 */

/** Whether the trace's x (or y) axis is a log axis in `layout` (x, x2, ... refer to xaxis, xaxis2, ...). */
export function onLogAxis(layout: Record<string, unknown>, ref: unknown, letter: 'x' | 'y'): boolean {
  const suffix = typeof ref === 'string' && ref.startsWith(letter) ? ref.slice(1) : '';
  const axis = layout[`${letter}axis${suffix === '1' ? '' : suffix}`] as { type?: unknown } | undefined;
  return axis?.type === 'log';
}

/** Coordinates as drawn: log10 on a log axis; NaN where a point cannot be drawn (a gap). */
function drawn(values: unknown[], log: boolean): number[] {
  return values.map((v) => {
    const x = typeof v === 'number' ? v : NaN;
    return log ? (x > 0 ? Math.log10(x) : NaN) : x;
  });
}

function extent(v: number[]): number {
  let lo = Infinity, hi = -Infinity;
  for (const x of v) if (Number.isFinite(x)) { if (x < lo) lo = x; if (x > hi) hi = x; }
  return hi > lo ? hi - lo : 1;
}

/** Marks the points of one unbroken run [a, b] that stay within `tol` of the simplified line. */
function markRun(X: number[], Y: number[], a: number, b: number, tol: number, keep: boolean[]): void {
  keep[a] = keep[b] = true;
  const stack: Array<[number, number]> = [[a, b]];
  while (stack.length) {
    const [i, j] = stack.pop()!;
    const dx = X[j] - X[i], dy = Y[j] - Y[i];
    const len = Math.hypot(dx, dy) || 1;
    let worst = -1, far = tol;
    for (let k = i + 1; k < j; k++) {
      const d = Math.abs(dy * (X[k] - X[i]) - dx * (Y[k] - Y[i])) / len;
      if (d > far) { far = d; worst = k; }
    }
    if (worst < 0) continue;
    keep[worst] = true;
    stack.push([i, worst], [worst, j]);
  }
}

/**
 * Indices of the points of the line (x[i], y[i]) to keep: every point that cannot be drawn (a gap
 * stays a gap) and, in each unbroken run, the Ramer-Douglas-Peucker points within `tol` of the line's
 * extent. Sorted ascending.
 */
export function simplifyIndices(x: unknown[], y: unknown[], xLog: boolean, yLog: boolean, tol = 1e-3): number[] {
  const X0 = drawn(x, xLog), Y0 = drawn(y, yLog);
  const sx = extent(X0), sy = extent(Y0);
  const X = X0.map((v) => v / sx), Y = Y0.map((v) => v / sy);
  const keep = X.map((v, i) => !Number.isFinite(v) || !Number.isFinite(Y[i]));
  let start = -1;
  for (let i = 0; i <= X.length; i++) {
    const ok = i < X.length && !keep[i];
    if (ok && start < 0) start = i;
    if (!ok && start >= 0) { markRun(X, Y, start, i - 1, tol, keep); start = -1; }
  }
  return keep.flatMap((k, i) => (k ? [i] : []));
}
