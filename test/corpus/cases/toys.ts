// runToy for every toy, sweepToy, recordToyRun / loadRecordedRun: options, sizes, memory, signals.
import { runToy, sweepToy, recordToyRun, loadRecordedRun, RECORDED_FORMAT } from '../../../src/toys';
import { abortedSignal, bad, good, must, type Case } from '../case';

const R = 'runToy';
const slow = { timeoutMs: 120_000 };
/** A toy result whose exponent is not measured (NaN) with the note that says how to fix it. */
const notMeasured = (r: { exponent: { value: number }; notes: string[] }) =>
  must(Number.isNaN(r.exponent.value) && r.notes.some((n) => /only 1 logged points fall in tau in \[2, 40\]: run more steps or a larger lr/.test(n)), `NaN exponent with the note, got ${r.exponent.value}`);

export const cases: Case[] = [
  bad(R, 'unknown-toy', () => runToy('softmax-tme' as never), 'unknown-toy', /softmax-time/),
  bad(R, 'toy-name-proto', () => runToy('__proto__' as never), 'unknown-toy', /__proto__/),
  bad(R, 'toy-name-constructor', () => runToy('constructor' as never), 'unknown-toy', /constructor/),
  bad(R, 'options-string', () => runToy('softmax-time', 'fast' as never), 'bad-option', /options/),
  // softmax-time
  bad(`${R}(softmax-time)`, 'unknown-option', () => runToy('softmax-time', { step: 10 } as never), 'unknown-option', /steps/),
  bad(`${R}(softmax-time)`, 'steps-zero', () => runToy('softmax-time', { steps: 0 }), 'bad-option', /steps/),
  bad(`${R}(softmax-time)`, 'steps-nan', () => runToy('softmax-time', { steps: NaN }), 'bad-option', /steps/),
  bad(`${R}(softmax-time)`, 'lr-negative', () => runToy('softmax-time', { lr: -0.1 }), 'bad-option', /lr/),
  bad(`${R}(softmax-time)`, 'temperature-string', () => runToy('softmax-time', { temperature: 'low' as never }), 'bad-option', /temperature/),
  bad(`${R}(softmax-time)`, 'vocab-huge', () => runToy('softmax-time', { vocab: 1e7, dim: 4096 }), 'too-much-memory', /maxMemoryMB/),
  bad(`${R}(softmax-time)`, 'backend-typo', () => runToy('softmax-time', { backend: 'wasn' as never }), 'bad-option', /backend/),
  bad(`${R}(softmax-time)`, 'seed-fraction', () => runToy('softmax-time', { seed: 1.5 }), 'bad-option', /seed/),
  bad(`${R}(softmax-time)`, 'on-progress-object', () => runToy('softmax-time', { onProgress: {} as never }), 'bad-option', /onProgress/),
  bad(`${R}(softmax-time)`, 'signal-string', () => runToy('softmax-time', { signal: 'stop' as never }), 'bad-option', /signal/),
  bad(`${R}(softmax-time)`, 'aborted-signal', () => runToy('softmax-time', { steps: 50, signal: abortedSignal() }), 'aborted', /abort/, slow),
  bad(`${R}(softmax-time)`, 'fit-range-inverted', () => runToy('softmax-time', { fitRange: [150, 5] }), 'bad-option', /fitRange/),
  bad(`${R}(softmax-time)`, 'max-memory-negative', () => runToy('softmax-time', { maxMemoryMB: -1 }), 'bad-option', /maxMemoryMB/),
  good(`${R}(softmax-time)`, 'tiny-run', () => runToy('softmax-time', { steps: 40, logEvery: 2, fitRange: [2, 40], vocab: 32, dim: 8, batch: 64 }),
    (r) => must(Number.isFinite(r.exponent.value) && r.curves.shape[0] > 5, `exponent ${r.exponent?.value}`), slow),
  // Too few logged points in the fit range: the exponent is 'not measured' (NaN) and a note says how to fix it.
  good(`${R}(softmax-time)`, 'too-few-points-in-fit-range', () => runToy('softmax-time', { lr: 0.05, steps: 40, logEvery: 2, fitRange: [2, 40], vocab: 32, dim: 8, batch: 64, seed: 1 }),
    notMeasured, { ...slow, expect: { ok: notMeasured, allowNaN: "the toy's 'not measured' state: NaN exponent and a note naming the fix" } }),
  // superposition-width
  bad(`${R}(superposition-width)`, 'widths-empty', () => runToy('superposition-width', { widths: [] }), 'bad-option', /widths/),
  bad(`${R}(superposition-width)`, 'widths-negative', () => runToy('superposition-width', { widths: [10, -5] }), 'bad-option', /widths/),
  bad(`${R}(superposition-width)`, 'widths-repeated', () => runToy('superposition-width', { widths: [10, 10] }), 'bad-option', /widths/),
  bad(`${R}(superposition-width)`, 'features-huge', () => runToy('superposition-width', { features: 1e7, widths: [1e5] }), 'too-much-memory', /maxMemoryMB/),
  bad(`${R}(superposition-width)`, 'width-above-features', () => runToy('superposition-width', { features: 20, widths: [10, 40] }), 'bad-option', /widths|features/),
  bad(`${R}(superposition-width)`, 'aborted-signal', () => runToy('superposition-width', { widths: [4, 8], features: 64, steps: 50, signal: abortedSignal() }), 'aborted', /abort/, slow),
  // residual-depth
  bad(`${R}(residual-depth)`, 'depths-zero', () => runToy('residual-depth', { depths: [0, 2] }), 'bad-option', /depths/),
  bad(`${R}(residual-depth)`, 'teacher-typo', () => runToy('residual-depth', { teacher: 'independant' as never }), 'bad-option', /teacher/),
  bad(`${R}(residual-depth)`, 'hidden-huge', () => runToy('residual-depth', { dim: 20000, hidden: 80000 }), 'too-much-memory', /maxMemoryMB/),
  bad(`${R}(residual-depth)`, 'aborted-signal', () => runToy('residual-depth', { depths: [1, 2], steps: 50, pool: 1024, testSize: 64, signal: abortedSignal() }), 'aborted', /abort/, slow),
  // superposition-time
  bad(`${R}(superposition-time)`, 'unknown-option', () => runToy('superposition-time', { widht: 10 } as never), 'unknown-option', /widht/),
  bad(`${R}(superposition-time)`, 'steps-string', () => runToy('superposition-time', { steps: '100' as never }), 'bad-option', /steps/),
  bad(`${R}(superposition-time)`, 'aborted-signal', () => runToy('superposition-time', { steps: 50, signal: abortedSignal() }), 'aborted', /abort/, slow),
  // sweepToy
  bad('sweepToy', 'no-vary', () => sweepToy('softmax-time', {} as never), 'bad-option', /vary/),
  bad('sweepToy', 'vary-unknown-option', () => sweepToy('softmax-time', { vary: { lrr: [0.1, 0.2] } } as never), 'bad-option', /lrr/),
  bad('sweepToy', 'vary-empty-list', () => sweepToy('softmax-time', { vary: { lr: [] } }), 'bad-option', /lr/),
  bad('sweepToy', 'vary-not-list', () => sweepToy('softmax-time', { vary: { lr: 0.1 as never } }), 'bad-option', /lr/),
  bad('sweepToy', 'vary-bad-value', () => sweepToy('softmax-time', { vary: { lr: [0.1, -1] } }), 'bad-option', /lr/),
  bad('sweepToy', 'workers-zero', () => sweepToy('softmax-time', { vary: { lr: [0.1] }, workers: 0 }), 'bad-option', /workers/),
  bad('sweepToy', 'grid-huge', () => sweepToy('softmax-time', { vary: { lr: Array.from({ length: 100 }, (_v, i) => 0.01 * (i + 1)), seed: Array.from({ length: 100 }, (_v, i) => i) } }), 'bad-option', /configurations|grid/),
  bad('sweepToy', 'unknown-toy', () => sweepToy('depth' as never, { vary: { lr: [0.1] } } as never), 'unknown-toy', /depth/),
  bad('sweepToy', 'aborted-signal', () => sweepToy('softmax-time', { vary: { lr: [0.05, 0.1] }, steps: 40, signal: abortedSignal(), workers: 1 }), 'aborted', /abort/, slow),
  // recorded runs
  bad('loadRecordedRun', 'missing-file', () => loadRecordedRun('/nonexistent/run.json'), 'bad-input', /run\.json/),
  bad('loadRecordedRun', 'not-a-record', () => loadRecordedRun({ format: 'x' } as never), 'bad-input', /recorded/),
  bad('loadRecordedRun', 'truncated-record', () => loadRecordedRun({ format: RECORDED_FORMAT, toy: 'softmax-time' } as never), 'bad-input', /recorded|code|machine/),
  bad('loadRecordedRun', 'null', () => loadRecordedRun(null as never), 'bad-input', /recorded/),
  good('loadRecordedRun', 'recorded-then-loaded', async () => loadRecordedRun(await recordToyRun('softmax-time', { steps: 40, logEvery: 2, fitRange: [2, 40], vocab: 32, dim: 8, batch: 64 }, 10)),
    (r) => must(Number.isFinite(r.exponent.value) && /RECORDED run/.test(r.summary()), `exponent ${r.exponent?.value}`), slow),
  good('sweepToy', 'tiny-sweep', () => sweepToy('softmax-time', { vary: { lr: [0.1, 0.15] }, steps: 40, logEvery: 2, fitRange: [2, 40], vocab: 32, dim: 8, batch: 64, workers: 1 }),
    (s) => must(s.rows.length === 2 && s.rows.every((r: { exponent: { value: number } }) => Number.isFinite(r.exponent.value)), 'two rows with exponents'), slow),
  bad('recordToyRun', 'replay-steps-zero', () => recordToyRun('softmax-time', { steps: 10 }, 0), 'bad-option', /replaySteps/),
  bad('recordToyRun', 'unknown-toy', () => recordToyRun('sofmax-time' as never, { steps: 10 } as never, 5), 'unknown-toy', /softmax-time/),
  bad('recordToyRun', 'bad-toy-option', () => recordToyRun('softmax-time', { steps: -10 }, 5), 'bad-option', /steps/),
];
