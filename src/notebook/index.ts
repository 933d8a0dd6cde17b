/**
 * The notebook layer: rich display (plotly + HTML table + summary text in one display message),
 * chart builders, a progress bar, cell magics, tagged templates and the check against the papers.
 * Free of any tslab import (the live kernel is found through require.cache) and free of side effects:
 * the package root turns the display on inside a kernel, installMagics() turns the magics on.
 * (`./figures/index`, `./magics/index`: a stale figures.js or magics.js left in dist/ or build/ from
 * before these became folders would otherwise be loaded instead.)
 */
export { plots, fitFigure, residualsFigure, frontierFigure, recipesFigure, toyFigure, ROLE_LABELS } from './figures/index';
export { show, bundleFor, renderResult, enableNotebookDisplay, PLOTLY_MIME, MAX_OUTPUT_BYTES } from './render';
export type { MimeBundle, ShowOptions } from './render';
export { progressBar, progressText, progressHtml, formatDuration } from './progress';
export type { ProgressBar, ProgressBarOptions } from './progress';
export { setPlotlySource, getPlotlySource, plotlyHtml, PLOTLY_VERSION, PLOTLY_CDN_URL, PLOTLY_KERNELSPEC_PATH } from './plotly';
export type { PlotlyFigure, PlotlySource, PlotlyHtmlOptions } from './plotly';
export { displayBundle, inKernel } from './kernel';
export { cellSignal } from './cellSignals';
export { compactFigure } from './compact';
export type { CompactOptions } from './compact';
export { csv, law, csvColumns } from './templates';
export { rewriteCell, registerMagic, registerBuiltinMagics, listMagics, helpText, installMagics, MagicError } from './magics/index';
export type { MagicSpec, MagicContext } from './magics/index';
export { checkAgainstPaper, checkFails } from './paperCheck';
export type { PaperValue, PaperCheckResult, PaperCheckRow, PerturbationResult } from './paperCheck';
export { say, proseValue } from './prose';
export type { Prose } from './prose';
export type { FitLike, FrontierLike, RecipesLike, ToyLike, ScienceResult } from './shapes';
