import { f32, f64 } from './memory';
import { OptionValues, badOption, intOption, numberOption, trainingOptions } from './options';

/** How the student is updated: Adam (the paper's exp-1) or plain SGD (its App. D.2 grid, lr 1e-2 to 10). */
export type SoftmaxTimeOptimizer = 'adam' | 'sgd';

/**
 * What the student is trained with: softmax + cross-entropy against the teacher's distribution (the
 * one-third mechanism), or squared error on the logits (a linear model without softmax, whose exponent
 * the paper says depends on the input spectrum instead).
 */
export type SoftmaxTimeHead = 'softmax-ce' | 'mse';

/** Options of the `softmax-time` toy (the LM-head teacher-student of the one-third paper; docs/toys.md#softmax-time). */
export interface SoftmaxTimeOptions {
  /** Temperature T of the teacher logits W* x / T. Default 1e-3 (peaked); T >= 0.06 is flat. */
  temperature: number;
  /** Vocabulary (classes). Default 128. */
  vocab: number;
  /** Embedding dimension. Default 32. */
  dim: number;
  /** Training steps. Default 2000. */
  steps: number;
  /** Samples per step. Default 1024. */
  batch: number;
  /** Constant learning rate; tau = lr x step. Default 0.08 (Adam; SGD needs far larger rates, e.g. 10). */
  lr: number;
  /** Log the loss every this many steps. Default 5. */
  logEvery: number;
  /** tau range of the fit. Default [5, 150]. It ends earlier when the loss reaches a floor (docs/toys.md#softmax-time). */
  fitRange: [number, number];
  /** 'adam' (default; betas 0.9, 0.999) or 'sgd' (no momentum). */
  optimizer: SoftmaxTimeOptimizer;
  /** 'softmax-ce' (default: KL to the teacher's softmax, the gradient of cross-entropy) or 'mse' (half squared error of the logits). */
  head: SoftmaxTimeHead;
  /**
   * Exponent alpha_x of the input spectrum: input coordinate i (1-based) is scaled by i^(-alpha_x / 2)
   * after the RMS normalisation, so its variance is i^(-alpha_x). Default 0 (isotropic, the paper's toy).
   */
  inputSpectrum: number;
}

export const softmaxTimeDefaults: SoftmaxTimeOptions = {
  temperature: 1e-3, vocab: 128, dim: 32, steps: 2000, batch: 1024, lr: 0.08, logEvery: 5, fitRange: [5, 150],
  optimizer: 'adam', head: 'softmax-ce', inputSpectrum: 0,
};

function choiceOption<T extends string>(o: OptionValues, key: string, choices: readonly T[]): T {
  const v = o[key];
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
    badOption(key, `must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${JSON.stringify(v)}.`, `pass e.g. ${key}: '${choices[0]}'.`);
  }
  return v as T;
}

export function resolveSoftmaxTime(given: OptionValues): SoftmaxTimeOptions {
  const o: OptionValues = { ...softmaxTimeDefaults, ...given };
  const temperature = numberOption(o, 'temperature');
  const vocab = intOption(o, 'vocab', 2);
  const dim = intOption(o, 'dim', 1);
  const fr = o.fitRange;
  if (!Array.isArray(fr) || fr.length !== 2 || !(fr[0] > 0) || !(fr[1] > fr[0])) {
    badOption('fitRange', `must be [tauFrom, tauTo] with 0 < tauFrom < tauTo, got ${JSON.stringify(fr)}.`, 'pass e.g. fitRange: [5, 150].');
  }
  const { steps, batch, lr, logEvery } = trainingOptions(o);
  const optimizer = choiceOption(o, 'optimizer', ['adam', 'sgd'] as const);
  const head = choiceOption(o, 'head', ['softmax-ce', 'mse'] as const);
  const inputSpectrum = numberOption(o, 'inputSpectrum', false);
  if (inputSpectrum < 0) badOption('inputSpectrum', `must be >= 0 (a decaying spectrum), got ${inputSpectrum}.`, 'pass e.g. inputSpectrum: 2, or 0 for isotropic inputs.');
  return { temperature, vocab, dim, steps, batch, lr, logEvery, fitRange: fr as [number, number], optimizer, head, inputSpectrum };
}

/** The arrays the teacher-student allocates, the tfjs operands of its larger product (inputs, output and its copy), the curves. */
export function softmaxTimeMemory(o: SoftmaxTimeOptions): Record<string, number> {
  const { vocab: V, dim: d, batch: B } = o;
  return {
    'teacher and student weights (dim x 2 vocab)': f32(2 * d * V),
    'student, gradient and Adam state (4 x dim x vocab)': f32(4 * d * V),
    'logits and their tfjs operands (batch x (2 dim + 4 vocab))': f32(B * d + 2 * d * V + 4 * B * V),
    'batch and logit gradient (batch x (2 dim + vocab))': f32(B * (2 * d + V)) + f64(2 * V) + f32(d),
    'loss and scale curves (steps / logEvery)': f64(5 * (o.steps / o.logEvery + 2)),
  };
}
