// The order in which a sweep hands out its configurations (src/toys/sweep-order.ts): a permutation,
// reflected so that slow and fast values of a factor alternate, longest runs first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dispatchOrder, reflectedOrder } from '../../src/toys/sweep-order';

test('sweep order: the reflected order of a 2 x 2 grid is 00, 01, 11, 10; of 2 x 3, 00 01 02 12 11 10 (boustrophedon, by hand)', () => {
  assert.deepEqual(reflectedOrder([2, 2]), [0, 1, 3, 2]);
  assert.deepEqual(reflectedOrder([2, 3]), [0, 1, 2, 5, 4, 3]);
  assert.deepEqual(reflectedOrder([4]), [0, 1, 2, 3]);
});

test('sweep order: every grid gives a permutation in which consecutive configurations differ in exactly one factor by one step', () => {
  for (const sizes of [[3, 2, 2], [2, 3, 4], [5], [1, 3], [3, 1, 2]]) {
    const order = reflectedOrder(sizes);
    const total = sizes.reduce((n, s) => n * s, 1);
    assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: total }, (_, i) => i), `${sizes}: a permutation`);
    const digits = (i: number) => sizes.map((_, k) => Math.floor(i / sizes.slice(k + 1).reduce((n, s) => n * s, 1)) % sizes[k]);
    for (let j = 1; j < order.length; j++) {
      const change = digits(order[j]).map((d, k) => Math.abs(d - digits(order[j - 1])[k]));
      assert.equal(change.reduce((a, b) => a + b, 0), 1, `${sizes}: ${order[j - 1]} -> ${order[j]}`);
    }
  }
});

test('sweep order: longest first by planned steps, ties kept in reflected order; it balances two workers where the plain order does not', () => {
  assert.deepEqual(dispatchOrder([4], [100, 400, 200, 400]), [1, 3, 2, 0]);
  // a factor whose second value runs slower (durations 4.7, 5.4, 4.5, 5.4 s measured for temperature 1e-3 / 3e-3):
  // a worker taking the next job when free finishes at max(4.7 + 4.5, 5.4 + 5.4) = 10.8 in grid order, 10.1 reflected
  const seconds = [4.7, 5.4, 4.5, 5.4];
  const makespan = (order: number[]) => {
    const busy = [0, 0];
    for (const i of order) busy[busy.indexOf(Math.min(...busy))] += seconds[i];
    return Math.max(...busy);
  };
  assert.equal(makespan([0, 1, 2, 3]).toFixed(1), '10.8');
  assert.equal(makespan(dispatchOrder([2, 2], [800, 800, 800, 800])).toFixed(1), '10.1');
});
