// The README's 30-second example: every number in its comments is what the code gives, at the digits
// shown (the same rule as the notebooks' prose: test/unit/notebooks-words.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { fitUniversal } from '../../src/fit';
import { frontier } from '../../src/frontier';
import { datasets } from '../../src/data';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** The comment after `// ` on the README line that starts with `code`. */
function commentOf(readme: string, code: string): string {
  const line = readme.split('\n').find((l) => l.startsWith(code));
  assert.ok(line, `README: no line starting with ${code}`);
  return line.slice(line.indexOf('//') + 2);
}

/** Numbers in a comment, in order (1.778, 7.40e10, 1064, ...). */
const numbersIn = (text: string) => (text.match(/(?<![A-Za-z_\d.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/g) ?? []).map((t) => ({ text: t, value: Number(t) }));

/** Whether `value` rounds to `shown` at the digits shown (significant digits for e-notation). */
function shownAs(shown: { text: string; value: number }, value: number): boolean {
  const m = /^-?\d+(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(shown.text)!;
  const decimals = m[1]?.length ?? 0;
  if (m[2] !== undefined) return Math.abs(value - shown.value) <= 0.5 * 10 ** (Number(m[2]) - decimals) * (1 + 1e-9);
  return Math.abs(value - shown.value) <= 0.5 * 10 ** -decimals * (1 + 1e-9);
}

test("README's 30-second example: the numbers in its comments are the code's results", () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const runs = datasets.chinchilla();
  assert.equal(numbersIn(commentOf(readme, 'const runs = datasets.chinchilla()'))[0].value, runs.shape[0]);
  const fit = fitUniversal(runs, { exclude: { highestLoss: 40 } });
  const f = frontier(fit, { budgets: [1e22, 1e24] });
  const at = f.at(1e24)!;
  const expected: Array<[string, number[]]> = [
    ['fit.coefficients;', [fit.coefficients.L0, fit.coefficients.width!, fit.coefficients.depth!, fit.coefficients.time!]],
    ['fit.params.c_m.ci;', [...fit.params.c_m.ci!, 100 * fit.level, fit.bootstrap!.resamples]],
    ['f.aspectRatio;', [f.aspectRatio!]],
    ['f.tokensPerParam;', [f.tokensPerParam!]],
    ['f.at(1e24);', [at.params, at.tokens, at.width!, at.depth!, at.loss]],
  ];
  for (const [code, values] of expected) {
    const shown = numbersIn(commentOf(readme, code));
    values.forEach((v, i) => assert.ok(shown[i] && shownAs(shown[i], v), `README ${code} shows ${shown[i]?.text}, the code gives ${v}`));
  }
});
