// exponentAlongTraining: the exponent and local slopes at every logged step of a toy run, checked on
// curves built from a closed form (L = c(step) l^-a(step), and a bend between two depths).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exponentAlongTraining } from '../../src/toys/trajectory';
import { toDataFrame, dataFrameColumns } from '../../src/data/frame';
import { ScalingLabError } from '../../src/errors';

const close = (a: number, b: number, label: string) => assert.ok(Math.abs(a - b) < 1e-12, `${label}: ${a} vs ${b}`);

test('along training, the exponent at each step is the power of an exact power law in depth, and so is every local slope', () => {
  const a = (s: number) => 0.5 + s / 1000;
  const depth: number[] = [], step: number[] = [], loss: number[] = [], test: number[] = [];
  for (const l of [8, 2, 4]) for (const s of [100, 200, 300]) {
    depth.push(l); step.push(s); test.push(3 * l ** -a(s)); loss.push(1);
  }
  const e = exponentAlongTraining({ curves: toDataFrame({ depth, step, tau: step, loss, test }), points: { xLabel: 'depth' } });
  assert.equal(e.loss, 'test', 'the test column is preferred when logged');
  assert.deepEqual(e.sizes, [2, 4, 8]);
  assert.deepEqual(e.step, [100, 200, 300]);
  e.step.forEach((s, i) => {
    close(e.exponent[i].value, a(s), `exponent at step ${s}`);
    close(e.exponent[i].stderr, 0, `stderr at step ${s}`);
    for (const p of e.local) close(p.slope[i], a(s), `local slope ${p.from}-${p.to} at step ${s}`);
  });
  assert.deepEqual(dataFrameColumns(e.table()).step, [100, 200, 300]);
  assert.ok('slope 4-8' in dataFrameColumns(e.table()));
});

test('a bend is seen by the local slopes: 1 between 2 and 4, 2 between 4 and 8; the fitted exponent is their least-squares blend', () => {
  // L(2) = 1, L(4) = 1/2, L(8) = 1/8: log-log points (ln2, 0), (2 ln2, -ln2), (3 ln2, -3 ln2); OLS slope -1.5
  const curves = { width: [2, 4, 8], step: [10, 10, 10], loss: [1, 0.5, 0.125] };
  const e = exponentAlongTraining({ curves, points: { xLabel: 'width' } });
  assert.equal(e.loss, 'loss');
  close(e.local[0].slope[0], 1, 'local 2-4');
  close(e.local[1].slope[0], 2, 'local 4-8');
  close(e.exponent[0].value, 1.5, 'exponent');
});

test('a missing column or a single size is a ScalingLabError naming it', () => {
  const curves = { depth: [2, 2], step: [1, 2], loss: [1, 0.5] };
  assert.throws(() => exponentAlongTraining({ curves }, { loss: 'test' }), (e: unknown) => e instanceof ScalingLabError && /no column 'test' \(option 'loss'\); they have depth, step, loss/.test(e.message));
  assert.throws(() => exponentAlongTraining({ curves }), /hold 1 depth; an exponent needs at least 2/);
});
