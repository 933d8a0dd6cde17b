// checkAgainstPaper: every tolerance comes from the uncertainties (k combined standard errors, k <= 3)
// or from a range the paper gives, and a perturbed number fails the check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAgainstPaper, checkFails } from '../../src/notebook/paperCheck';
import { say, proseValue } from '../../src/notebook/prose';
import { ScalingLabError } from '../../src/errors';

test('a number within k combined standard errors passes, with the rule and the distance in sigmas shown', () => {
  // Closed form: sigma = hypot(0.03, 0.04) = 0.05, so |0.98 - 1.05| = 0.07 is 1.4 sigma, inside 2 sigma = 0.1.
  const r = checkAgainstPaper([{ quantity: 'depth exponent', ours: 0.98, oursStderr: 0.03, paper: 1.05, paperStderr: 0.04, source: 'test' }]);
  assert.equal(r.passed, true);
  assert.equal(r.rows[0].allowed, 0.1);
  assert.ok(Math.abs(r.rows[0].sigmas! - 1.4) < 1e-12);
  assert.match(r.summary(), /ok +depth exponent: ours 0\.98 ± 0\.03 \| paper 1\.05 ± 0\.04 \| \|Δ\| ≤ 2σ = 0\.1, off by 1\.4σ/);
});

test('the same number perturbed beyond k sigma fails the check and names it', () => {
  const row = { quantity: 'depth exponent', ours: 0.98, oursStderr: 0.03, paper: 1.05, paperStderr: 0.04, source: 'test' };
  assert.throws(() => checkAgainstPaper([{ ...row, ours: 0.98 - 0.04 }]), (e: ScalingLabError) => e.code === 'paper-check-failed' && /FAIL {2}depth exponent/.test(e.message));
  assert.throws(() => checkAgainstPaper([{ ...row, k: 1 }]), /FAIL/); // 1.4 sigma > 1 sigma
});

test('k above 3, or no standard error at all, is refused: a tolerance cannot be chosen freely', () => {
  assert.throws(() => checkAgainstPaper([{ quantity: 'x', ours: 1, oursStderr: 0.1, paper: 1, k: 5, source: 's' }]), /at most 3 combined standard errors/);
  assert.throws(() => checkAgainstPaper([{ quantity: 'x', ours: 1, paper: 1, source: 's' }]), /neither our nor the paper's standard error/);
});

test('a range the paper gives is checked as a range', () => {
  assert.equal(checkAgainstPaper([{ quantity: 'strong-regime exponent', ours: 0.9, paper: 0.9, range: [0.8, 1.0], source: 'Fig 6e' }]).passed, true);
  assert.throws(() => checkAgainstPaper([{ quantity: 'strong-regime exponent', ours: 1.2, paper: 0.9, range: [0.8, 1.0], source: 'Fig 6e' }]), /FAIL/);
});

test('a direction the paper claims is a one-sided k-sigma rule: ours must exceed the paper by more than k sigma', () => {
  // Closed form: sigma = hypot(0.3, 0.4) = 0.5, 2 sigma = 1; a difference of 1.2 (2.4 sigma) is steeper, 0.9 (1.8 sigma) is not.
  const row = (ours: number) => ({ quantity: 'tied minus independent slope', ours, oursStderr: 0.3, paperStderr: 0.4, paper: 0, direction: 'greater' as const, source: 'test' });
  const r = checkAgainstPaper([row(1.2)]);
  assert.equal(r.rows[0].allowed, 1);
  assert.ok(Math.abs(r.rows[0].sigmas! - 2.4) < 1e-12);
  assert.match(r.summary(), /ok +tied minus independent slope: ours 1\.2 ± 0\.3 \| paper 0 ± 0\.4 \| Δ > 2σ = 1, Δ = 2\.4σ/);
  assert.throws(() => checkAgainstPaper([row(0.9)]), /FAIL {2}tied minus independent slope/);
  assert.throws(() => checkAgainstPaper([row(-1.2)]), /FAIL/, 'the opposite direction, however large, fails');
  assert.equal(checkAgainstPaper([{ ...row(-1.2), direction: 'less' }]).passed, true);
  assert.throws(() => checkAgainstPaper([{ ...row(1.2), range: [0, 2] }]), /a range or a direction, not both/);
  assert.throws(() => checkAgainstPaper([{ ...row(1.2), direction: 'up' as never }]), /direction must be 'greater' or 'less'/);
});

test('a non-finite number of ours is a failed reproduction with a clear message', () => {
  assert.throws(() => checkAgainstPaper([{ quantity: 'x', ours: NaN, oursStderr: 0.1, paper: 1, source: 's' }]), /ours must be a finite number, got NaN/);
});

test('say fills prose with numbers from results: three significant digits, value ± stderr, intervals', () => {
  const p = say`The exponent is ${{ value: 0.34612, stderr: 0.00412 }} (CI ${[0.3381, 0.3542]}), over ${7} runs.`;
  assert.equal(p.kind, 'prose');
  assert.equal(p.text, 'The exponent is 0.346 ± 0.0041 (CI 0.338 to 0.354), over 7 runs.');
  assert.equal(say.digits(4)`${0.346123}`.text, '0.3461');
  assert.equal(proseValue(NaN), '—');
});

test('checkFails shows the rows a perturbed input fails, and refuses a check that still passes', () => {
  const rows = (ours: number) => [{ quantity: 'time exponent', ours, oursStderr: 0.01, paper: 0.337, paperStderr: 0.002, source: 'toy figure' }];
  const p = checkFails('flat target', () => checkAgainstPaper(rows(0.9)));
  assert.equal(p.failed.length, 1);
  assert.match(p.summary(), /^Perturbed input \(flat target\): the check fails, as it should\.\nFAIL {2}time exponent: ours 0\.9/);
  assert.throws(() => checkFails('no change', () => checkAgainstPaper(rows(0.34))), /the check passed on the perturbed input/);
  assert.throws(() => checkFails('bug', () => { throw new Error('boom'); }), /boom/);
});
