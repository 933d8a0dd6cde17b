import type { DataFrame } from './frame';
import { attachDisplay } from '../display-hook';
import { ScalingLabError, checkOptionKeys } from '../errors';
import { fmt } from '../util/format';
import { toDataFrame } from './frame';

/**
 * Parameter counts of a decoder-only Transformer from its shape (docs/methods.md#parameter-and-flop-accounting).
 * The count is split the way the papers split it: Kaplan et al.'s N is `nonEmbedding` (the layers),
 * Chinchilla's counts add one vocabulary matrix, "total" is what the checkpoint holds.
 */

/** The shape of a decoder-only Transformer. Only width and depth are required. */
export interface ModelShape {
  /** d_model. */
  width: number;
  /** Number of layers (blocks). */
  depth: number;
  /** Vocabulary size (default 0: no embedding or output layer counted). */
  vocab?: number;
  /** Attention heads (default width / headDim; when neither is given, width / 64 if 64 divides width, else 1). */
  heads?: number;
  /** Key-value heads (default heads: multi-head attention; 1 is multi-query, in between grouped-query). */
  kvHeads?: number;
  /** Size of one head (default width / heads). heads x headDim may differ from width (Chinchilla Table A9). */
  headDim?: number;
  /** Feed-forward size d_ff (default ffnRatio x width). */
  ffnSize?: number;
  /** d_ff / width when ffnSize is not given (default 4, or 8/3 for a gated feed-forward). */
  ffnRatio?: number;
  /** Round d_ff up to a multiple of this (LLaMA and OpenLM: 256; default 1). */
  ffnMultipleOf?: number;
  /** Gated feed-forward (SwiGLU, GeGLU): three width x d_ff matrices instead of two (default false). */
  gated?: boolean;
  /** The output layer shares the token-embedding matrix (default false). */
  tiedEmbeddings?: boolean;
  /** Context length (default 2048): learned position tables and attention FLOPs use it. */
  sequenceLength?: number;
  /**
   * Position encoding: 'none' (rotary or ALiBi, no parameters; default), 'learned' (GPT-2: a
   * sequenceLength x width table), 'relative' (Transformer-XL, as in Gopher and Chinchilla: per layer a
   * width x (heads headDim) projection and two bias vectors of heads x headDim).
   */
  positions?: 'none' | 'learned' | 'relative';
  /** Biases on every linear layer of the blocks (GPT-2: true; default false). The output layer has none. */
  biases?: boolean;
  /** Normalisation layers: 'none' (default: weights only, as Kaplan et al. count), 'layernorm' (scale and bias) or 'rmsnorm' (scale); two per block and one final. */
  norms?: 'none' | 'layernorm' | 'rmsnorm';
}

/** A shape with every default filled in. */
export type ResolvedShape = Required<ModelShape>;

export interface ParamCount {
  kind: 'param-count';
  shape: ResolvedShape;
  /** Every parameter: embeddings, position table, layers, final norm, output layer. */
  total: number;
  /** Kaplan et al.'s N: the blocks (and the final norm), without token embedding, position table or output layer. */
  nonEmbedding: number;
  /** Token embedding, vocab x width. */
  embedding: number;
  /** Output layer, width x vocab (0 when tied to the embedding). */
  unembedding: number;
  /** Learned position table, sequenceLength x width (relative-position parameters sit in the blocks). */
  positionTable: number;
  /** One block, by part. */
  perLayer: { attention: number; positions: number; feedForward: number; norms: number; total: number };
  finalNorm: number;
  /** One row per part: part, count, share of total. */
  table(): DataFrame;
  summary(): string;
  toJSON(): object;
}

const SHAPE_KEYS = ['width', 'depth', 'vocab', 'heads', 'kvHeads', 'headDim', 'ffnSize', 'ffnRatio', 'ffnMultipleOf', 'gated',
  'tiedEmbeddings', 'sequenceLength', 'positions', 'biases', 'norms'];

/**
 * Parameters of a decoder-only Transformer, by part. E.g. GPT-2 small:
 * countParams({ width: 768, depth: 12, vocab: 50257, sequenceLength: 1024, positions: 'learned',
 * tiedEmbeddings: true, biases: true, norms: 'layernorm' }).total === 124439808.
 */
export function countParams(shape: ModelShape): ParamCount {
  const s = resolveShape(shape, 'countParams');
  const p = paramParts(s);
  const result: ParamCount = {
    kind: 'param-count', shape: s, ...p,
    table: () => {
      const parts: Array<[string, number]> = [['embedding', p.embedding], ['position table', p.positionTable], ['attention (all layers)', p.perLayer.attention * s.depth],
        ['relative positions (all layers)', p.perLayer.positions * s.depth], ['feed-forward (all layers)', p.perLayer.feedForward * s.depth],
        ['norms (all layers + final)', p.perLayer.norms * s.depth + p.finalNorm], ['output layer', p.unembedding], ['total', p.total]];
      return toDataFrame({ part: parts.map((x) => x[0]), count: parts.map((x) => x[1]), share: parts.map((x) => x[1] / p.total) });
    },
    summary: () => paramSummary(result),
    toJSON: () => ({ kind: 'param-count', shape: s, ...p }),
  };
  return attachDisplay(result);
}

/** The counts of countParams without the result object (used by flopsPerToken). */
export function paramParts(s: ResolvedShape): Omit<ParamCount, 'kind' | 'shape' | 'table' | 'summary' | 'toJSON'> {
  const q = s.heads * s.headDim, kv = s.kvHeads * s.headDim, w = s.width, b = s.biases ? 1 : 0;
  // Q and output projections are width x q, K and V width x kv each.
  const attention = 2 * w * q + 2 * w * kv + b * (q + 2 * kv + w);
  const positions = s.positions === 'relative' ? w * q + 2 * q : 0;
  const matrices = s.gated ? 3 : 2;
  const feedForward = matrices * w * s.ffnSize + b * ((matrices - 1) * s.ffnSize + w);
  const normSize = s.norms === 'layernorm' ? 2 * w : s.norms === 'rmsnorm' ? w : 0;
  const perLayer = { attention, positions, feedForward, norms: 2 * normSize, total: attention + positions + feedForward + 2 * normSize };
  const nonEmbedding = s.depth * perLayer.total + normSize;
  const embedding = s.vocab * w;
  const unembedding = s.tiedEmbeddings ? 0 : s.vocab * w;
  const positionTable = s.positions === 'learned' ? s.sequenceLength * w : 0;
  return { total: nonEmbedding + embedding + unembedding + positionTable, nonEmbedding, embedding, unembedding, positionTable, perLayer, finalNorm: normSize };
}

/** Checks the shape and fills its defaults; every error names the field and the fix. */
export function resolveShape(shape: ModelShape, fn: string): ResolvedShape {
  if (!shape || typeof shape !== 'object') throw new ScalingLabError('bad-option', `${fn}: the shape must be an object like { width: 768, depth: 12, vocab: 50257 }.`, 'pass the model shape as an object; width and depth are required.');
  checkOptionKeys(`${fn} shape`, shape, SHAPE_KEYS);
  const whole = (name: keyof ModelShape, v: unknown, min: number): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      throw new ScalingLabError('bad-option', `${fn}: shape.${name} must be a whole number >= ${min}, got ${JSON.stringify(v)}.`, `e.g. ${name}: ${Math.max(min, 1) * 12}.`);
    }
    return v;
  };
  const width = whole('width', shape.width, 1), depth = whole('depth', shape.depth, 1);
  const vocab = whole('vocab', shape.vocab ?? 0, 0);
  const headDim0 = shape.headDim === undefined ? undefined : whole('headDim', shape.headDim, 1);
  if (shape.heads === undefined && headDim0 && width % headDim0 !== 0) {
    throw new ScalingLabError('bad-option', `${fn}: width ${width} is not a multiple of headDim ${headDim0}, so the number of heads is not implied.`, 'give heads as well.');
  }
  // Without heads or headDim: 64-wide heads when they divide the width, else one head (heads only change the softmax FLOPs then).
  const heads = whole('heads', shape.heads ?? (headDim0 ? width / headDim0 : width % 64 === 0 ? width / 64 : 1), 1);
  const headDim = headDim0 ?? width / heads;
  if (!Number.isInteger(headDim)) throw new ScalingLabError('bad-option', `${fn}: width ${width} is not divisible by heads ${heads}.`, 'give headDim explicitly (heads x headDim may differ from width).');
  const kvHeads = whole('kvHeads', shape.kvHeads ?? heads, 1);
  if (kvHeads > heads || heads % kvHeads !== 0) throw new ScalingLabError('bad-option', `${fn}: kvHeads (${kvHeads}) must divide heads (${heads}).`, 'use kvHeads = heads (multi-head), 1 (multi-query) or a divisor of heads (grouped-query).');
  const gated = bool('gated', shape.gated, fn), tiedEmbeddings = bool('tiedEmbeddings', shape.tiedEmbeddings, fn), biases = bool('biases', shape.biases, fn);
  const ffnSize = feedForwardSize(shape, width, gated, fn);
  const sequenceLength = whole('sequenceLength', shape.sequenceLength ?? 2048, 1);
  const positions = oneOf('positions', shape.positions ?? 'none', ['none', 'learned', 'relative'], fn);
  const norms = oneOf('norms', shape.norms ?? 'none', ['none', 'layernorm', 'rmsnorm'], fn);
  return { width, depth, vocab, heads, kvHeads, headDim, ffnSize, ffnRatio: ffnSize / width, ffnMultipleOf: shape.ffnMultipleOf ?? 1, gated, tiedEmbeddings, sequenceLength, positions, biases, norms };
}

function feedForwardSize(shape: ModelShape, width: number, gated: boolean, fn: string): number {
  const multiple = shape.ffnMultipleOf ?? 1;
  if (!Number.isInteger(multiple) || multiple < 1) throw new ScalingLabError('bad-option', `${fn}: shape.ffnMultipleOf must be a whole number >= 1, got ${multiple}.`, 'e.g. ffnMultipleOf: 256 (LLaMA rounds its feed-forward size up to a multiple of 256).');
  if (shape.ffnSize !== undefined) {
    if (shape.ffnRatio !== undefined) throw new ScalingLabError('bad-option', `${fn}: give ffnSize or ffnRatio, not both.`, 'ffnSize is the hidden size itself, ffnRatio the size over width (4 for GPT-2): keep one.');
    if (!Number.isInteger(shape.ffnSize) || shape.ffnSize < 1) throw new ScalingLabError('bad-option', `${fn}: shape.ffnSize must be a whole number >= 1, got ${shape.ffnSize}.`, 'e.g. ffnSize: 3072.');
    return Math.ceil(shape.ffnSize / multiple) * multiple;
  }
  const ratio = shape.ffnRatio ?? (gated ? 8 / 3 : 4);
  if (!(ratio > 0) || !Number.isFinite(ratio)) throw new ScalingLabError('bad-option', `${fn}: shape.ffnRatio must be a positive number, got ${ratio}.`, 'e.g. ffnRatio: 4 (GPT-2) or 8 / 3 (gated).');
  // floor before rounding up, as LLaMA and OpenLM do: int(8 w / 3), then up to the multiple
  return Math.ceil(Math.max(1, Math.floor(ratio * width + 1e-9)) / multiple) * multiple;
}

function bool(name: string, v: unknown, fn: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new ScalingLabError('bad-option', `${fn}: shape.${name} must be true or false, got ${JSON.stringify(v)}.`, `e.g. ${name}: true.`);
  return v;
}

function oneOf<T extends string>(name: string, v: unknown, allowed: T[], fn: string): T {
  if (!allowed.includes(v as T)) throw new ScalingLabError('bad-option', `${fn}: shape.${name} must be ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(v)}.`, `use one of ${allowed.map((a) => `'${a}'`).join(', ')}.`);
  return v as T;
}

/** A shape in one line, for summaries. */
export function shapeText(s: ResolvedShape): string {
  const attn = s.heads * s.headDim === s.width ? `${s.heads} heads` : `${s.heads} heads x ${s.headDim}`;
  const kv = s.kvHeads === s.heads ? '' : `, ${s.kvHeads} kv heads`;
  return `width ${s.width}, depth ${s.depth}, ${attn}${kv}, d_ff ${s.ffnSize}${s.gated ? ' (gated)' : ''}, vocab ${s.vocab}${s.tiedEmbeddings ? ' (tied)' : ''}`;
}

function paramSummary(r: ParamCount): string {
  const big = (x: number) => `${fmt(x / 1e6, 5)}M`;
  const s = r.shape;
  return [
    `Parameters of a Transformer (${shapeText(s)}; positions ${s.positions}, biases ${s.biases ? 'yes' : 'no'}, norms ${s.norms})`,
    `  total ${big(r.total)} = non-embedding ${big(r.nonEmbedding)} + embedding ${big(r.embedding)} + output layer ${big(r.unembedding)} + position table ${big(r.positionTable)}`,
    `  per layer ${big(r.perLayer.total)}: attention ${big(r.perLayer.attention)}, feed-forward ${big(r.perLayer.feedForward)}${r.perLayer.positions ? `, relative positions ${big(r.perLayer.positions)}` : ''}${r.perLayer.norms ? `, norms ${fmt(r.perLayer.norms)}` : ''}`,
    `  Kaplan et al.'s N (non-embedding) = ${big(r.nonEmbedding)}; 12 depth width^2 = ${big(12 * s.depth * s.width ** 2)}`,
  ].join('\n');
}
