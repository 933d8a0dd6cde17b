import type { DataFrame } from './frame';
import { attachDisplay } from '../display-hook';
import { ScalingLabError, checkOptionKeys } from '../errors';
import { fmt } from '../util/format';
import { toDataFrame } from './frame';
import { paramParts, resolveShape, shapeText, type ModelShape, type ResolvedShape } from './accounting';

/**
 * Training FLOPs per token under the conventions the literature mixes up
 * (docs/methods.md#parameter-and-flop-accounting). Each is forward + backward = 3 x forward.
 */

/**
 * - 'kaplan': 6 N, N the non-embedding parameters (Kaplan et al. 2020, C = 6N; Table 1 without the context term);
 * - 'kaplan-context': 6 N + 6 depth sequenceLength (heads headDim) (Table 1 with the attention-mask term);
 * - 'chinchilla': Hoffmann et al. 2022 Appendix F: embeddings, per layer the QKV projections, QK logits,
 *   softmax, softmax-value product, output projection and dense block, then the logits, all x 3;
 * - 'porian': 6 (N + width vocab): the output layer counted (Porian et al. 2024, "counting last layer FLOPs");
 * - 'porian-attention': 'porian' + 6 sequenceLength width depth (Porian et al.'s attention FLOPs);
 * - '6N': 6 x every parameter, embeddings included (a common loose count).
 */
export type FlopConvention = 'kaplan' | 'kaplan-context' | 'chinchilla' | 'porian' | 'porian-attention' | '6N';

export interface FlopOptions {
  /** Which count (default 'kaplan'). */
  convention?: FlopConvention;
  /**
   * 'chinchilla' only: count the embedding and final-logits terms (default true, as Appendix F prints
   * them). Table A4's ratios to 6ND are reproduced without them (the authors' count, as nanoGPT's
   * scaling-laws notebook found), so pass false to compare with Table A4.
   */
  embeddings?: boolean;
}

export interface FlopCount {
  kind: 'flop-count';
  convention: FlopConvention;
  shape: ResolvedShape;
  /** Training FLOPs per token (forward + backward). */
  flopsPerToken: number;
  /** Forward FLOPs per token. */
  forward: number;
  /** The parameter count the convention multiplies by 6 (null for 'chinchilla', which counts operations). */
  params: number | null;
  /** Training FLOPs per token by term; they add up to flopsPerToken. */
  terms: Record<string, number>;
  /** Training FLOPs for `tokens` tokens: flopsPerToken x tokens. */
  flops(tokens: number): number;
  /** One row per term: term, flopsPerToken, share. */
  table(): DataFrame;
  summary(): string;
  toJSON(): object;
}

const CONVENTIONS: FlopConvention[] = ['kaplan', 'kaplan-context', 'chinchilla', 'porian', 'porian-attention', '6N'];
const FN = 'flopsPerToken';

/**
 * Training FLOPs per token of a Transformer shape under one convention. E.g. Chinchilla's 70B:
 * flopsPerToken({ width: 8192, depth: 80, heads: 64, headDim: 128, vocab: 32000, positions: 'relative' }, { convention: 'chinchilla' }).
 */
export function flopsPerToken(shape: ModelShape, options: FlopOptions = {}): FlopCount {
  checkOptionKeys(FN, options, ['convention', 'embeddings']);
  const convention = options.convention ?? 'kaplan';
  if (!CONVENTIONS.includes(convention)) {
    throw new ScalingLabError('bad-option', `${FN}: unknown convention ${JSON.stringify(convention)}.`, `conventions are: ${CONVENTIONS.join(', ')}.`);
  }
  if (options.embeddings !== undefined && convention !== 'chinchilla') {
    throw new ScalingLabError('bad-option', `${FN}: embeddings applies to the 'chinchilla' convention only (the others fix what they count).`, "drop embeddings, or use convention: 'chinchilla'.");
  }
  const s = resolveShape(shape, FN);
  if ((convention === 'porian' || convention === 'porian-attention') && s.vocab === 0) {
    throw new ScalingLabError('missing-option', `${FN}: the '${convention}' convention counts the output layer, so the shape needs vocab.`, 'e.g. { width: 1024, depth: 23, vocab: 50432 } (Porian et al.\'s vocabulary).');
  }
  const { terms, params } = termsOf(s, convention, options.embeddings ?? true);
  const total = Object.values(terms).reduce((a, b) => a + b, 0);
  const result: FlopCount = {
    kind: 'flop-count', convention, shape: s, flopsPerToken: total, forward: total / 3, params, terms,
    flops: (tokens: number) => {
      if (!(tokens >= 0) || !Number.isFinite(tokens)) throw new ScalingLabError('bad-value', `flops: tokens must be a non-negative number, got ${tokens}.`);
      return total * tokens;
    },
    table: () => {
      const names = Object.keys(terms);
      return toDataFrame({ term: names, flopsPerToken: names.map((k) => terms[k]), share: names.map((k) => terms[k] / total) });
    },
    summary: () => flopSummary(result),
    toJSON: () => ({ kind: 'flop-count', convention, shape: s, flopsPerToken: total, forward: total / 3, params, terms }),
  };
  return attachDisplay(result);
}

/** Training FLOPs per token by term (3 x forward), and the N a 6N-type convention uses. */
function termsOf(s: ResolvedShape, convention: FlopConvention, embeddings: boolean): { terms: Record<string, number>; params: number | null } {
  const p = paramParts(s);
  const attn = s.heads * s.headDim;
  const context = 6 * s.depth * s.sequenceLength * attn; // Kaplan Table 1: 2 n_layer n_ctx d_attn forward
  switch (convention) {
    case 'kaplan': return { terms: { layers: 6 * p.nonEmbedding }, params: p.nonEmbedding };
    case 'kaplan-context': return { terms: { layers: 6 * p.nonEmbedding, context }, params: p.nonEmbedding };
    case '6N': return { terms: { parameters: 6 * p.total }, params: p.total };
    case 'porian': return { terms: { layers: 6 * p.nonEmbedding, outputLayer: 6 * s.width * s.vocab }, params: p.nonEmbedding + s.width * s.vocab };
    case 'porian-attention': return {
      terms: { layers: 6 * p.nonEmbedding, outputLayer: 6 * s.width * s.vocab, attention: 6 * s.sequenceLength * s.width * s.depth },
      params: p.nonEmbedding + s.width * s.vocab,
    };
    default: return { terms: chinchillaTerms(s, embeddings), params: null };
  }
}

/** Hoffmann et al. 2022 Appendix F per token, x 3 for forward + backward. K and V use the kv heads. */
function chinchillaTerms(s: ResolvedShape, embeddings: boolean): Record<string, number> {
  const w = s.width, S = s.sequenceLength, q = s.heads * s.headDim, kv = s.kvHeads * s.headDim, L = s.depth;
  const terms: Record<string, number> = {};
  if (embeddings) terms.embeddings = 3 * 2 * s.vocab * w;
  terms.projections = 3 * L * 2 * w * (q + 2 * kv);
  terms.logitsQK = 3 * L * 2 * S * q;
  terms.softmax = 3 * L * 3 * s.heads * S;
  terms.softmaxValues = 3 * L * 2 * S * q;
  terms.outputProjection = 3 * L * 2 * q * w;
  terms.denseBlock = 3 * L * 2 * (s.gated ? 3 : 2) * w * s.ffnSize;
  if (embeddings) terms.finalLogits = 3 * 2 * w * s.vocab;
  return terms;
}

function flopSummary(r: FlopCount): string {
  const lines = [`Training FLOPs per token, ${r.convention} convention: ${fmt(r.flopsPerToken, 6)} (forward ${fmt(r.forward, 6)})`, `  shape: ${shapeText(r.shape)}, sequence ${r.shape.sequenceLength}`];
  if (r.params !== null) lines.push(`  = 6 x ${fmt(r.params, 6)} parameters${Object.keys(r.terms).length > 1 ? ' + the terms below' : ''}`);
  for (const [k, v] of Object.entries(r.terms)) lines.push(`  ${k}: ${fmt(v, 5)} (${(100 * v / r.flopsPerToken).toFixed(1)}%)`);
  const six = 6 * paramParts(r.shape).nonEmbedding;
  lines.push(`  ratio to Kaplan's 6N (non-embedding): ${fmt(r.flopsPerToken / six, 4)}`);
  return lines.join('\n');
}
