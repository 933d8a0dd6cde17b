/** A plotly figure as the chart builders make it and plotly.js draws it: traces, layout, config. */
export interface PlotlyFigure {
  data: Array<Record<string, unknown>>;
  layout: Record<string, unknown>;
  config?: Record<string, unknown>;
}
