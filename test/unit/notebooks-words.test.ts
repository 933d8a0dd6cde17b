// The words follow the numbers: every decimal number in a walkthrough's Markdown cells must be one
// its outputs show (to the digits quoted) or a literal of its code (a configuration stated in the code).
// Reads the committed notebooks, which CI re-executes and compares (test/kernel/notebooks.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const NOTEBOOKS = path.join(ROOT, 'notebooks');

interface Cell { cell_type: string; source: string | string[]; outputs?: Array<Record<string, unknown>> }

const text = (s: unknown): string => (Array.isArray(s) ? s.join('') : typeof s === 'string' ? s : '');

/** Everything a notebook's outputs show as text: streams, plain text, Markdown, HTML without tags. */
export function outputText(cells: Cell[]): string {
  const parts: string[] = [];
  for (const c of cells) {
    for (const o of c.outputs ?? []) {
      parts.push(text(o.text));
      const data = (o.data ?? {}) as Record<string, unknown>;
      parts.push(text(data['text/plain']), text(data['text/markdown']), text(data['text/html']).replace(/<[^>]*>/g, ' '));
    }
  }
  return parts.join('\n');
}

const NUMBER = /(?<![\w.^{}-])(\d+\.\d+)(?![\w.])/g;

/** Decimal numbers written in Markdown prose (arXiv identifiers, LaTeX exponents and names are not numbers here). */
export function proseNumbers(markdown: string): string[] {
  return [...markdown.replace(/arXiv:?\s*\d{4}\.\d{4,5}(v\d+)?/g, '').matchAll(NUMBER)].map((m) => m[1]);
}

/** True when `quoted` is some shown number rounded to the quoted number of decimals. */
export function shown(quoted: string, shownText: string): boolean {
  const decimals = quoted.split('.')[1].length;
  const target = Number(quoted);
  for (const m of shownText.matchAll(/-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi)) {
    const y = Math.abs(Number(m[0]));
    if (Number.isFinite(y) && Math.abs(y - target) <= 0.5 * 10 ** -decimals * (1 + 1e-9)) return true;
  }
  return false;
}

test('a prose number is accepted only when an output shows it to the digits quoted', () => {
  assert.deepEqual(proseNumbers('slope 0.35, $10^{-3}$, T = 0.06, arXiv 2602.03685, x_1.5'), ['0.35', '0.06']);
  assert.equal(shown('0.35', 'exponent 0.3461 ± 0.004'), true);
  assert.equal(shown('0.36', 'exponent 0.3461 ± 0.004'), false);
  assert.equal(shown('1.03', 'a_m = 1.025'), true);
});

const walkthroughs = fs.readdirSync(NOTEBOOKS).filter((f) => /^(0[1-9]|[1-9]\d)-.*\.ipynb$/.test(f)).sort();
for (const name of walkthroughs) {
  test(`${name}: every decimal number in its prose is shown by its outputs or stated in its code`, () => {
    const cells: Cell[] = JSON.parse(fs.readFileSync(path.join(NOTEBOOKS, name), 'utf8')).cells;
    const outputs = outputText(cells);
    const code = cells.filter((c) => c.cell_type === 'code').map((c) => text(c.source)).join('\n');
    const missing: string[] = [];
    cells.forEach((c, i) => {
      if (c.cell_type !== 'markdown') return;
      for (const q of proseNumbers(text(c.source))) if (!shown(q, outputs) && !shown(q, code)) missing.push(`cell ${i}: ${q}`);
    });
    assert.deepEqual(missing, [], `${name}: numbers in the prose that no output shows`);
  });
}
