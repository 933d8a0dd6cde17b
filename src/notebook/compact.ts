/**
 * Display weight: a chart's numbers rounded to what a screen can show and its lines thinned to the
 * points that shape them (simplify.ts), so a chart costs kilobytes in the notebook file rather than
 * hundreds of them (each chart is stored as plotly JSON, inside the HTML's script and as the static
 * SVG). Applied to every figure the notebook displays (render.ts); `plots.*` keep full precision for
 * users who export figures.
 */
import type { PlotlyFigure } from './plotlyFigure';
import { onLogAxis, simplifyIndices } from './simplify';

export interface CompactOptions {
  /** Significant digits kept in trace data (default 4: 1/10000 of a value, far below a pixel). */
  digits?: number;
  /** Points kept of a line trace longer than this (default 150). */
  maxCurvePoints?: number;
  /** Largest distance of a dropped point from the drawn line, relative to the line's extent (default 1e-3; 0 keeps every point). */
  tolerance?: number;
}

type Trace = Record<string, unknown>;

/** `v` to `digits` significant digits; non-finite values and non-numbers unchanged. */
export function roundTo(v: number, digits: number): number {
  return Number.isFinite(v) && v !== 0 ? Number(v.toPrecision(digits)) : v;
}

/** Every number inside `value` (arrays and plain objects, recursively) rounded. */
function roundDeep(value: unknown, digits: number): unknown {
  if (typeof value === 'number') return roundTo(value, digits);
  if (Array.isArray(value)) return value.map((v) => roundDeep(v, digits));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundDeep(v, digits)]));
  }
  return value;
}

/**
 * Indices 0..n-1 thinned to about `max`: half spaced evenly, half log-spaced (dense at the start,
 * where training curves change fastest), plus `keep` (extremes, gaps). Sorted, without repeats.
 */
export function thinIndices(n: number, max: number, keep: number[] = []): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const out = new Set<number>([0, n - 1, ...keep.filter((k) => k >= 0 && k < n)]);
  const half = Math.max(2, Math.floor(max / 2));
  for (let j = 0; j < half; j++) {
    out.add(Math.round((j * (n - 1)) / (half - 1)));
    out.add(Math.min(n - 1, Math.round(Math.exp((j * Math.log(n)) / (half - 1))) - 1));
  }
  return [...out].sort((a, b) => a - b);
}

/** The indices a thinned line keeps beyond the spacing: its lowest and highest y, and every gap (null). */
function shapePoints(y: unknown[]): number[] {
  let lo = -1, hi = -1;
  const gaps: number[] = [];
  y.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) { gaps.push(i); return; }
    if (lo < 0 || v < (y[lo] as number)) lo = i;
    if (hi < 0 || v > (y[hi] as number)) hi = i;
  });
  return [lo, hi, ...gaps];
}

/** A line trace (no markers, no fill) with x and y arrays of the same length, else null. */
function lineOf(t: Trace): { x: unknown[]; y: unknown[] } | null {
  const { x, y } = t;
  const line = String(t.mode ?? '') === 'lines' && !t.fill;
  return line && Array.isArray(x) && Array.isArray(y) && x.length === y.length ? { x, y } : null;
}

/** The trace with only the points `idx`; per-point arrays (text, customdata) follow x and y. */
function pickPoints(t: Trace, idx: number[], n: number): Trace {
  const out: Trace = { ...t };
  for (const k of ['x', 'y', 'text', 'customdata']) {
    const a = t[k];
    if (Array.isArray(a) && a.length === n) out[k] = idx.map((i) => a[i]);
  }
  return out;
}

/** A long line thinned to about `max` points (thinIndices, keeping extremes and gaps). */
function thinLine(t: Trace, max: number): Trace {
  const line = lineOf(t);
  if (!line || line.y.length <= max) return t;
  return pickPoints(t, thinIndices(line.y.length, max, shapePoints(line.y)), line.y.length);
}

/** A line reduced to the points that shape it as drawn on its axes (simplify.ts): a power law on log-log axes keeps its ends. */
function simplifyLine(t: Trace, layout: Record<string, unknown>, tolerance: number): Trace {
  const line = lineOf(t);
  if (!line || line.y.length <= 2 || tolerance <= 0) return t;
  const idx = simplifyIndices(line.x, line.y, onLogAxis(layout, t.xaxis, 'x'), onLogAxis(layout, t.yaxis, 'y'), tolerance);
  return idx.length < line.y.length ? pickPoints(t, idx, line.y.length) : t;
}

/** The figure with rounded trace data and long or straight lines thinned; layout and config unchanged. */
export function compactFigure(fig: PlotlyFigure, options: CompactOptions = {}): PlotlyFigure {
  const digits = options.digits ?? 4;
  const max = options.maxCurvePoints ?? 150;
  const tolerance = options.tolerance ?? 1e-3;
  const data = fig.data.map((t) => roundDeep(simplifyLine(thinLine(t, max), fig.layout, tolerance), digits) as Trace);
  return { ...fig, data };
}

/** A number as the shorter of its JSON form and its exponent form (12340000000 -> 1.234e10); both are valid JSON. */
function numberText(v: number): string {
  if (!Number.isFinite(v)) return 'null';
  const plain = String(v);
  const exp = v.toExponential().replace('e+', 'e');
  return exp.length < plain.length ? exp : plain;
}

/** JSON.stringify with numbers in their shortest form (for a chart's data inside a script). */
export function compactJson(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value !== 'object') return 'null'; // undefined and functions, as JSON.stringify does in arrays
  const json = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof json === 'function') return compactJson(json.call(value));
  if (Array.isArray(value)) return `[${value.map(compactJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol');
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${compactJson(v)}`).join(',')}}`;
}

/** Arrays at least this long go into the plotly JSON as base64 typed arrays. */
const TYPED_ARRAY_MIN = 64;
const F4_MAX = 3.4e38;
const F4_MIN = 1.2e-38;

/** plotly.js's typed-array form of a long, all-finite number array; other values unchanged. */
function typedArray(value: unknown): unknown {
  if (!Array.isArray(value) || value.length < TYPED_ARRAY_MIN || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) return value;
  const nums = value as number[];
  const f4 = nums.every((v) => v === 0 || (Math.abs(v) < F4_MAX && Math.abs(v) > F4_MIN));
  const bytes = f4 ? new Float32Array(nums) : new Float64Array(nums);
  return { dtype: f4 ? 'f4' : 'f8', bdata: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') };
}

function typedDeep(value: unknown): unknown {
  const typed = typedArray(value);
  if (typed !== value) return typed;
  if (Array.isArray(value)) return value.map(typedDeep);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typedDeep(v)]));
  }
  return value;
}

/**
 * The figure for the `application/vnd.plotly.v1+json` output: long number arrays as base64 typed
 * arrays (`{ dtype: 'f4', bdata }`, read by plotly.js 2.28 and later, the form plotly.py 6 writes).
 * The notebook file stores a plain array one number per line; this stores 4 bytes per number.
 */
export function withTypedArrays(fig: PlotlyFigure): PlotlyFigure {
  return { ...fig, data: fig.data.map((t) => typedDeep(t) as Trace) };
}
