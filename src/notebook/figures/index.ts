/**
 * Chart builders: plain functions returning plotly figure objects ({data, layout, config}), usable in
 * any notebook, a script, or a test. Every chart labels its axes with units, uses log axes where a
 * quantity spans decades, draws data points and the fitted law together, and the paper's reference
 * line where there is one. One file per chart kind; axes.ts and palette.ts hold what they share.
 */
import { ScalingLabError, describeValue } from '../../errors';
import { checkShape } from '../shapes';
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

/**
 * A chart builder that first checks it was given the result it draws (kind and the fields it reads),
 * so plots.frontier(fit) or plots.toy('softmax-time') is a ScalingLabError, not a TypeError.
 */
function checked<V, A extends unknown[], R>(name: string, kind: string, build: (value: V, ...rest: A) => R): (value: V, ...rest: A) => R {
  return (value: V, ...rest: A) => {
    const got = (value as { kind?: unknown } | null)?.kind;
    if (got !== kind) {
      throw new ScalingLabError('bad-value', `plots.${name}: expects a '${kind}' result, got ${got === undefined ? describeValue(value).slice(0, 60) : `a '${String(got)}' result`}.`,
        `pass the result of ${WHO_MAKES[kind]}, e.g. plots.${name}(${WHO_MAKES[kind].split(' ')[0]}(...)).`);
    }
    if (kind === 'fit' || kind === 'frontier' || kind === 'recipes' || kind === 'toy') checkShape(value, kind, `plots.${name}`);
    return build(value, ...rest);
  };
}

const WHO_MAKES: Record<string, string> = {
  fit: 'fitUniversal or fitLaw', frontier: 'frontier', 'frontier-comparison': 'compareFrontiers', recipes: 'compareRecipes', toy: 'runToy', sweep: 'sweepToy',
};

/** The chart builders, as `plots.fit(fit)` etc. */
export const plots = {
  fit: checked('fit', 'fit', fitFigure),
  residuals: checked('residuals', 'fit', residualsFigure),
  frontier: checked('frontier', 'frontier', frontierFigure),
  frontiers: checked('frontiers', 'frontier-comparison', frontiersFigure),
  recipes: checked('recipes', 'recipes', recipesFigure),
  toy: checked('toy', 'toy', toyFigure),
  sweep: checked('sweep', 'sweep', sweepFigure),
};
