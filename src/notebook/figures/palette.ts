/**
 * The colours of the charts, shared by the plotly figures and their static SVG pictures so both
 * look the same: plotly's default colour cycle, and the Viridis scale sampled at ten points.
 */
export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export const VIRIDIS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'];

/** The k-th colour of the cycle. */
export function paletteColor(k: number): string {
  return PALETTE[k % PALETTE.length];
}

/** The paper's reference lines: thin, black, dashed. */
export const REFERENCE_LINE = { color: 'black', dash: 'dash', width: 1.5 };

/** Excluded runs and helper lines (L0, RMS band). */
export const MUTED = '#999';
export const GUIDE_LINE = { color: '#888', dash: 'dot', width: 1 };
