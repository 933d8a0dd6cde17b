/**
 * Scales and tick marks of the static SVG picture (staticChart.ts): data to pixels on linear and log
 * axes, and the densest readable ticks with plotly-like labels (10ⁿ on log axes).
 */

export interface Scale { log: boolean; lo: number; hi: number; p0: number; p1: number }

/** The picture's font size in px. */
export const FONT = 11;
const SUP: Record<string, string> = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };

/** Rough width of sans-serif text; enough to wrap the legend and shrink long titles. */
export function textWidth(s: string, size: number): number {
  return s.length * size * 0.56;
}

/** True for a value a scale can place: finite, and positive on a log axis. */
export function valid(v: number, log: boolean): boolean {
  return Number.isFinite(v) && (!log || v > 0);
}

/** A scale over the finite data (positive only on log axes), padded a little so markers sit inside. */
export function makeScale(values: number[], log: boolean, p0: number, p1: number): Scale {
  const v = values.filter((x) => valid(x, log)).map((x) => (log ? Math.log10(x) : x));
  let lo = v.length ? Math.min(...v) : 0, hi = v.length ? Math.max(...v) : 1;
  if (hi === lo) { const d = lo === 0 || log ? 0.5 : Math.abs(lo) * 0.1; lo -= d; hi += d; }
  const pad = (hi - lo) * 0.05;
  return { log, lo: lo - pad, hi: hi + pad, p0, p1 };
}

/** The pixel of value `v`. */
export function toPx(s: Scale, v: number): number {
  const t = s.log ? Math.log10(v) : v;
  return s.p0 + ((t - s.lo) / (s.hi - s.lo)) * (s.p1 - s.p0);
}

/** Linear candidates, densest first: 1-2-5 steps. */
function linearCandidates(lo: number, hi: number): number[][] {
  const out: number[][] = [];
  // A zero or non-finite span has no ticks (and would make the step 0: an endless loop).
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return out;
  let p = Math.pow(10, Math.floor(Math.log10((hi - lo) / 20)));
  if (!(p > 0) || !Number.isFinite(p)) return out;
  for (let guard = 0; guard < 12; guard++, p *= 10) {
    for (const m of [1, 2, 5]) {
      const step = m * p, ticks: number[] = [];
      for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9 && ticks.length <= 20; k++) ticks.push(Number((k * step).toPrecision(12)));
      if (ticks.length <= 20) out.push(ticks);
    }
  }
  return out;
}

/**
 * Log candidates, densest first: 1..9 within a decade (ranges under one decade), 1-2-5 (under two
 * decades), then powers of ten, every decade or every k-th; plain linear ticks when a range is too
 * narrow to hold two of those.
 */
function logCandidates(lo: number, hi: number): number[][] {
  const inRange = (t: number) => t >= lo - 1e-9 && t <= hi + 1e-9;
  const out: number[][] = [];
  const span = hi - lo;
  const mantissas = [...(span < 1 ? [[1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 5]] : []), ...(span < 2 ? [[1, 2, 5]] : [])];
  for (const ms of mantissas) {
    const ticks: number[] = [];
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
      for (const m of ms) if (inRange(e + Math.log10(m))) ticks.push(Number((m * Math.pow(10, e)).toPrecision(12)));
    }
    if (ticks.length >= 2) out.push(ticks);
  }
  for (const step of [1, 2, 3, 4, 5, 10, 20, 50, 100]) {
    const ticks: number[] = [];
    for (let e = Math.ceil(lo - 1e-9); e <= hi + 1e-9; e++) if (e % step === 0) ticks.push(Math.pow(10, e));
    if (ticks.length >= 2) out.push(ticks);
  }
  return out.length ? out : linearCandidates(Math.pow(10, lo), Math.pow(10, hi)).filter((t) => t.every((v) => v > 0));
}

/**
 * The densest candidate whose labels do not collide: on x the neighbouring labels' half widths plus
 * a gap, on y one text line plus a gap.
 */
export function ticksOf(s: Scale, horizontal: boolean): number[] {
  const cands = s.log ? logCandidates(s.lo, s.hi) : linearCandidates(s.lo, s.hi);
  const fits = (ticks: number[]) => ticks.every((t, k) => {
    if (k === 0) return true;
    const gap = Math.abs(toPx(s, t) - toPx(s, ticks[k - 1]));
    const need = horizontal ? (textWidth(tickLabel(t), FONT) + textWidth(tickLabel(ticks[k - 1]), FONT)) / 2 + 14 : FONT + 18;
    return gap >= need;
  });
  return cands.find((c) => c.length >= 2 && fits(c)) ?? cands[cands.length - 1] ?? [];
}

function superscript(n: number): string {
  return String(n).split('').map((c) => SUP[c] ?? c).join('');
}

/** Tick label: plain numbers for everyday magnitudes, 10ⁿ (or m×10ⁿ) otherwise. */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) return String(Number(v.toPrecision(6)));
  const e = Math.floor(Math.log10(a) + 1e-9);
  const m = Number((v / Math.pow(10, e)).toPrecision(3));
  return m === 1 ? `10${superscript(e)}` : m === -1 ? `−10${superscript(e)}` : `${m}×10${superscript(e)}`;
}
