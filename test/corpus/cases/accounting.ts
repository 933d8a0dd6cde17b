// countParams, flopsPerToken, dynamicTime: shapes, conventions and schedules.
import { countParams, flopsPerToken, dynamicTime } from '../../../src/data';
import { bad, good, must, type Case } from '../case';

const shape = { width: 768, depth: 12, vocab: 50257 };

export const cases: Case[] = [
  bad('countParams', 'no-shape', () => countParams(undefined as never), 'bad-option', /shape/),
  bad('countParams', 'shape-string', () => countParams('gpt2' as never), 'bad-option', /shape/),
  bad('countParams', 'negative-width', () => countParams({ ...shape, width: -768 }), 'bad-option', /width/),
  bad('countParams', 'fractional-depth', () => countParams({ ...shape, depth: 12.5 }), 'bad-option', /depth/),
  bad('countParams', 'nan-vocab', () => countParams({ ...shape, vocab: NaN }), 'bad-option', /vocab/),
  bad('countParams', 'width-string', () => countParams({ ...shape, width: '768' as never }), 'bad-option', /width/),
  bad('countParams', 'heads-not-dividing', () => countParams({ ...shape, heads: 7 }), 'bad-option', /heads/),
  bad('countParams', 'kv-heads-too-many', () => countParams({ ...shape, heads: 12, kvHeads: 24 }), 'bad-option', /kvHeads/),
  bad('countParams', 'ffn-size-and-ratio', () => countParams({ ...shape, ffnSize: 3072, ffnRatio: 4 }), 'bad-option', /ffnSize|ffnRatio/),
  bad('countParams', 'unknown-key', () => countParams({ ...shape, layers: 12 } as never), 'unknown-option', /layers/),
  bad('countParams', 'proto-key', () => countParams(JSON.parse('{"width": 768, "depth": 12, "__proto__": {"vocab": 5}}')), 'unknown-option', /__proto__/),
  bad('countParams', 'positions-typo', () => countParams({ ...shape, positions: 'rotary' as never }), 'bad-option', /positions/),
  good('countParams', 'gpt2-small', () => countParams({ ...shape, sequenceLength: 1024, positions: 'learned', tiedEmbeddings: true }),
    (c) => must(Math.abs(c.total - 124_439_808) < 200_000, `GPT-2 small has 124.4M parameters, got ${c.total}`)),
  good('countParams', 'huge-shape', () => countParams({ width: 2 ** 20, depth: 10_000, vocab: 1e6 }), (c) => must(Number.isFinite(c.total) && c.total > 1e17, `total ${c.total}`)),
  // flopsPerToken
  bad('flopsPerToken', 'convention-typo', () => flopsPerToken(shape, { convention: 'kaplann' as never }), 'bad-option', /kaplann/),
  bad('flopsPerToken', 'needs-vocab', () => flopsPerToken({ width: 768, depth: 12 }, { convention: 'porian' as never }), 'missing-option', /vocab/),
  bad('flopsPerToken', 'unknown-option', () => flopsPerToken(shape, { conventon: 'kaplan' } as never), 'unknown-option', /conventon/),
  bad('flopsPerToken', 'zero-depth', () => flopsPerToken({ ...shape, depth: 0 }), 'bad-option', /depth/),
  bad('flopsPerToken', 'options-number', () => flopsPerToken(shape, 6 as never), 'bad-option', /options/),
  good('flopsPerToken', 'default', () => flopsPerToken(shape), (f) => must(f.flopsPerToken > 6 * 84e6 && f.flopsPerToken < 6 * 130e6, `about 6 N per token for GPT-2 small, got ${f.flopsPerToken}`)),
  // dynamicTime
  bad('dynamicTime', 'kind-typo', () => dynamicTime('cosin' as never, [10]), 'bad-option', /cosin/),
  bad('dynamicTime', 'no-total', () => dynamicTime({ kind: 'cosine' }, [10]), 'missing-option', /total/),
  bad('dynamicTime', 'step-past-end', () => dynamicTime({ kind: 'cosine', total: 100 }, [50, 200]), 'bad-value', /200/),
  bad('dynamicTime', 'negative-step', () => dynamicTime({ kind: 'cosine', total: 100 }, [-5]), 'bad-value', /-5/),
  bad('dynamicTime', 'nan-step', () => dynamicTime({ kind: 'cosine', total: 100 }, [NaN]), 'bad-value', /NaN/),
  bad('dynamicTime', 'empty-steps', () => dynamicTime({ kind: 'cosine', total: 100 }, []), 'empty-data', /steps/),
  bad('dynamicTime', 'warmup-too-long', () => dynamicTime({ kind: 'cosine', total: 100, warmup: 200 }, [10]), 'bad-option', /warm/),
  bad('dynamicTime', 'final-above-one', () => dynamicTime({ kind: 'cosine', total: 100, final: 2 }, [10]), 'bad-option', /final/),
  bad('dynamicTime', 'peak-negative', () => dynamicTime({ kind: 'constant', total: 100, peak: -1 }, [10]), 'bad-option', /peak/),
  bad('dynamicTime', 'schedule-null', () => dynamicTime(null as never, [10]), 'bad-option', /schedule/),
  bad('dynamicTime', 'unknown-schedule-key', () => dynamicTime({ kind: 'cosine', total: 100, warmpu: 10 } as never, [10]), 'unknown-option', /warmpu/),
  good('dynamicTime', 'constant', () => dynamicTime({ kind: 'constant', total: 100 }, [10, 100]), (d) => must(d.tau[0] === 10 && d.tau[1] === 100, `tau ${d.tau}`)),
  bad('dynamicTime', 'huge-step', () => dynamicTime({ kind: 'cosine', total: 1e12 }, [1e11]), 'bad-value', /1e\+8/),
  good('dynamicTime', 'million-steps', () => dynamicTime({ kind: 'cosine', total: 1e6 }, [5e5, 1e6]), (d) => must(Math.abs(d.tau[1] - 5e5) < 1, `tau of a full cosine schedule is half the steps, got ${d.tau[1]}`)),
];
