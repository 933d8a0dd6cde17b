/**
 * The notebook layer: rich display (plotly + HTML table + summary text in one display message),
 * chart builders, a progress bar, cell magics and tagged templates. Free of any tslab import: the
 * live kernel is found through require.cache, so the package works the same in plain Node.
 */
import { setRenderer } from '../display-hook';
import { inKernel, kernelJupyterModule } from './kernel';
import { renderResult } from './render';

export { plots, fitFigure, residualsFigure, frontierFigure, recipesFigure, toyFigure, ROLE_LABELS } from './figures';
export { show, bundleFor, renderResult, PLOTLY_MIME } from './render';
export type { MimeBundle, ShowOptions } from './render';
export { progressBar, progressText, progressHtml, formatDuration } from './progress';
export type { ProgressBar, ProgressBarOptions } from './progress';
export { setPlotlySource, getPlotlySource, plotlyHtml, PLOTLY_VERSION, PLOTLY_CDN_URL } from './plotly';
export type { PlotlyFigure, PlotlySource, PlotlyHtmlOptions } from './plotly';
export { displayBundle, inKernel } from './kernel';
export { csv, law, csvColumns } from './templates';
export { rewriteCell, registerMagic, listMagics, helpText, installMagics, MagicError } from './magics';
export type { MagicSpec, MagicContext } from './magics';
export type { FitLike, FrontierLike, RecipesLike, ToyLike, ScienceResult } from './shapes';

/** Registers the notebook renderer with the display hook when running inside a live tslab kernel. */
export function enableNotebookDisplay(): boolean {
  if (!kernelJupyterModule()) return false;
  setRenderer(renderResult);
  return true;
}

if (inKernel()) enableNotebookDisplay();
