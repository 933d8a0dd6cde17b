/**
 * Chart builders: plain functions returning plotly figure objects ({data, layout, config}), usable in
 * any notebook, a script, or a test. Every chart labels its axes with units, uses log axes where a
 * quantity spans decades, draws data points and the fitted law together, and the paper's reference
 * line where there is one. One file per chart kind; axes.ts and palette.ts hold what they share.
 */
import { fitFigure } from './fit';
import { residualsFigure } from './residuals';
import { frontierFigure } from './frontier';
import { frontiersFigure } from './frontiers';
import { recipesFigure } from './recipes';
import { toyFigure } from './toy';
import { sweepFigure } from './sweep';

export { fitFigure, mainVariable } from './fit';
export { residualsFigure } from './residuals';
export { frontierFigure } from './frontier';
export { frontiersFigure } from './frontiers';
export { recipesFigure } from './recipes';
export { toyFigure } from './toy';
export { sweepFigure } from './sweep';
export { ROLE_LABELS, decades } from './axes';
export { PALETTE, VIRIDIS } from './palette';

/** The chart builders, as `plots.fit(fit)` etc. */
export const plots = {
  fit: fitFigure,
  residuals: residualsFigure,
  frontier: frontierFigure,
  frontiers: frontiersFigure,
  recipes: recipesFigure,
  toy: toyFigure,
  sweep: sweepFigure,
};
