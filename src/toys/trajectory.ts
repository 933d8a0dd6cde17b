import { ScalingLabError, describeValue } from '../errors';
import { DataFrame, dataFrameColumns, isDataFrame, toDataFrame } from '../data/frame';
import { SlopeFit, logLogSlope } from '../util/stats';

/** Options of exponentAlongTraining. */
export interface ExponentAlongTrainingOptions {
  /** The size column the exponent is over. Default: the result's points.xLabel ('depth', 'width'). */
  x?: string;
  /** The loss column. Default 'test' when the curves have it (residual-depth with logTest), else 'loss'. */
  loss?: string;
}

/** The exponent at each logged step of a toy run, fitted on the sizes' losses at that step. */
export interface ExponentAlongTraining {
  x: string;
  loss: string;
  /** The sizes, ascending. */
  sizes: number[];
  /** The logged steps at which every size has a loss. */
  step: number[];
  /** Minus the log-log slope over all sizes at each step, with its standard error and t-based 95% interval. */
  exponent: Array<Pick<SlopeFit, 'value' | 'stderr' | 'ci'>>;
  /** -d log L / d log x between successive sizes, at each step. */
  local: Array<{ from: number; to: number; slope: number[] }>;
  /** One row per step: step, exponent, stderr, ci_lo, ci_hi, and a column per local slope ('slope 8-16'). */
  table(): DataFrame;
}

type Curves = DataFrame | Record<string, ArrayLike<number>>;

function columnsOf(curves: Curves): Record<string, ArrayLike<number>> {
  return isDataFrame(curves) ? (dataFrameColumns(curves) as Record<string, number[]>) : curves;
}

/**
 * The exponent along training (docs/toys.md#residual-depth): at every logged step, the log-log slope
 * of the sizes' losses (test losses where logged) and the local slopes between successive sizes, from
 * a toy result or a recorded run's curves. A run that reaches its power law shows the exponent
 * settling; one still converging shows it drifting.
 */
export function exponentAlongTraining(result: { curves: Curves; points?: { xLabel: string } }, options: ExponentAlongTrainingOptions = {}): ExponentAlongTraining {
  if (!result || typeof result !== 'object' || !result.curves || typeof result.curves !== 'object') {
    throw new ScalingLabError('bad-input', `exponentAlongTraining: expects a toy result with curves, got ${describeValue(result).slice(0, 60)}.`, 'pass the result of runToy or loadRecordedRun.');
  }
  const cols = columnsOf(result.curves);
  const names = Object.keys(cols);
  const x = options.x ?? result.points?.xLabel ?? 'depth';
  const loss = options.loss ?? (names.includes('test') ? 'test' : 'loss');
  for (const [option, column] of [['x', x], ['loss', loss], ['', 'step']]) {
    if (!names.includes(column)) {
      throw new ScalingLabError('bad-option', `exponentAlongTraining: the curves have no column '${column}'${option ? ` (option '${option}')` : ''}; they have ${names.join(', ')}.`,
        option ? `pass ${option}: one of ${names.join(', ')}.` : 'give the curves of a toy run (runToy, loadRecordedRun).');
    }
  }
  const byStep = new Map<number, Map<number, number>>();
  for (let r = 0; r < cols.step.length; r++) {
    const at = byStep.get(cols.step[r]) ?? byStep.set(cols.step[r], new Map()).get(cols.step[r])!;
    at.set(cols[x][r], cols[loss][r]);
  }
  const sizes = [...new Set(Array.from(cols[x]))].sort((a, b) => a - b);
  if (sizes.length < 2) throw new ScalingLabError('bad-input', `exponentAlongTraining: the curves hold ${sizes.length} ${x}; an exponent needs at least 2.`, `run the toy with several values of ${x}.`);
  const step = [...byStep.keys()].filter((s) => sizes.every((v) => byStep.get(s)!.has(v))).sort((a, b) => a - b);
  const lossesAt = step.map((s) => sizes.map((v) => byStep.get(s)!.get(v)!));
  const exponent = lossesAt.map((ls) => {
    const f = logLogSlope(sizes, ls);
    return { value: f.value, stderr: f.stderr, ci: f.ci };
  });
  const local = sizes.slice(1).map((to, i) => ({ from: sizes[i], to, slope: lossesAt.map((ls) => -Math.log(ls[i + 1] / ls[i]) / Math.log(to / sizes[i])) }));
  return {
    x, loss, sizes, step, exponent, local,
    table: () => toDataFrame({
      step, exponent: exponent.map((e) => e.value), stderr: exponent.map((e) => e.stderr),
      ci_lo: exponent.map((e) => e.ci[0]), ci_hi: exponent.map((e) => e.ci[1]),
      ...Object.fromEntries(local.map((p) => [`slope ${p.from}-${p.to}`, p.slope])),
    }),
  };
}
