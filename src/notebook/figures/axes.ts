/**
 * Shared pieces of the chart builders: axis titles with units, log or linear axes by the decades a
 * quantity spans, the common layout, sample grids and the labels of exponents.
 */
import { compactNumber } from '../table';

/** Axis titles with units, by the role of a law variable. */
export const ROLE_LABELS: Record<string, string> = {
  width: 'width m (d_model)',
  depth: 'depth l (layers)',
  tokens: 'tokens D',
  time: 'dynamic time τ (Σ learning rate)',
  steps: 'training steps',
  params: 'parameters N',
  flops: 'compute C (FLOPs)',
  loss: 'loss (nats)',
  other: '',
};

/** plotly's config for every chart. */
export const CONFIG = { responsive: true, displaylogo: false };

export type Trace = Record<string, unknown>;

export function finite(xs: unknown[]): number[] {
  return xs.map(Number).filter((v) => Number.isFinite(v));
}

/** Decades spanned by the positive values (0 when some are <= 0). */
export function decades(xs: unknown[]): number {
  const v = finite(xs);
  if (!v.length || v.some((x) => x <= 0)) return 0;
  return Math.log10(Math.max(...v) / Math.min(...v));
}

export function axisType(xs: unknown[], minDecades = 1): 'log' | 'linear' {
  return decades(xs) >= minDecades ? 'log' : 'linear';
}

export function linspace(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

export function logspace(lo: number, hi: number, n: number): number[] {
  if (!(lo > 0) || !(hi > 0)) return linspace(lo, hi, n);
  const a = Math.log(lo), b = Math.log(hi);
  return Array.from({ length: n }, (_, i) => Math.exp(a + ((b - a) * i) / (n - 1)));
}

/** An axis titled `title`, on a log scale when `values` span at least `minDecades` decades. */
export function axis(title: string, values: unknown[], minDecades = 1, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const type = axisType(values, minDecades);
  return { title: { text: title }, type, ...(type === 'log' ? { exponentformat: 'power' } : {}), showgrid: true, zeroline: false, ...extra };
}

export function baseLayout(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: { text: title, font: { size: 15 } },
    template: undefined,
    height: 460,
    margin: { l: 70, r: 20, t: 60, b: 60 },
    legend: { orientation: 'v', font: { size: 11 } },
    hovermode: 'closest',
    paper_bgcolor: 'white',
    plot_bgcolor: '#fafafa',
    ...extra,
  };
}

/** The axis title of a law variable: its role's label with units, else its name. */
export function variableLabel(name: string, role: string | undefined): string {
  return role && role !== 'other' && ROLE_LABELS[role] ? ROLE_LABELS[role] : name;
}

/** y0 (x / x0)^slope at each x: a power law through (x0, y0). */
export function refLine(xs: number[], x0: number, y0: number, slope: number): number[] {
  return xs.map((v) => y0 * Math.pow(v / x0, slope));
}

/** An exponent as the paper writes it: 1/3, 1/6, 1; other values as numbers. */
export function fracLabel(v: number): string {
  for (const d of [1, 2, 3, 4, 6]) {
    const nnum = Math.round(v * d);
    if (Math.abs(v * d - nnum) < 1e-9) return d === 1 ? String(nnum) : `${nnum}/${d}`;
  }
  return compactNumber(v);
}

export function median(xs: number[]): number {
  const v = finite(xs).sort((a, b) => a - b);
  return v.length ? v[Math.floor(v.length / 2)] : NaN;
}
