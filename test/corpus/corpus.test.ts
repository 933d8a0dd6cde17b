// Issue 16's bad-input corpus: every case (test/corpus/cases/*.ts) runs in its own Node process with a
// time and a memory limit, 2 at a time (CORPUS_WORKERS to change), and is classified: clear
// ScalingLabError with a hint / unclear ScalingLabError / error of the wrong kind / silent wrong result
// / hang / crash, or a correct result for input that is fine. The counts per class and per entry point
// are printed and written to test-output/corpus.json. CORPUS_FILTER=<part of an id> runs a subset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { caseKey, type Case } from './case';
import { CLASSES, CLASS_LABELS, classify, type OutcomeClass, type Verdict } from './classify';
import { runCase, runPool } from './pool';

const CASES_DIR = path.join(__dirname, 'cases');
const ROOT = path.resolve(__dirname, '..', '..', '..');
const FAILING: OutcomeClass[] = ['wrong-kind', 'silent', 'hang', 'crash'];

/** Every entry point the corpus must reach (issue 16). */
export const ENTRY_POINTS = [
  'datasets', 'csv', 'law', 'toColumns', 'parseCSV', 'fitUniversal', 'fitLaw', 'fitPowerLaw', 'frontier', 'compareRecipes',
  'isoflops', 'backtest', 'countParams', 'flopsPerToken', 'dynamicTime', 'runToy', 'sweepToy', 'show', 'plots',
  'checkAgainstPaper', 'checkFails', 'say', 'recordToyRun', 'loadRecordedRun', 'rewriteCell', 'progressBar',
];

interface Loaded { file: string; case: Case; fullId: string }

function loadCases(): Loaded[] {
  const files = fs.readdirSync(CASES_DIR).filter((f) => f.endsWith('.js')).sort();
  const filter = process.env.CORPUS_FILTER;
  const all = files.flatMap((f) => {
    const file = path.join(CASES_DIR, f);
    const cases: Case[] = require(file).cases;
    return cases.map((c) => ({ file, case: c, fullId: `${f.replace(/\.js$/, '')}:${caseKey(c)}` }));
  });
  return filter ? all.filter((l) => l.fullId.includes(filter) || l.case.entry.includes(filter)) : all;
}

function countTable(rows: Array<{ key: string; verdict: Verdict }>): string {
  const keys = [...new Set(rows.map((r) => r.key))].sort();
  const head = ['entry point'.padEnd(30), ...CLASSES.map((c) => c.padStart(11)), 'total'.padStart(7)].join('');
  const lines = keys.map((k) => {
    const mine = rows.filter((r) => r.key === k);
    return [k.padEnd(30), ...CLASSES.map((c) => String(mine.filter((r) => r.verdict.cls === c).length || '.').padStart(11)), String(mine.length).padStart(7)].join('');
  });
  return [head, ...lines].join('\n');
}

test('bad-input corpus: every case in its own process, classified', async (t) => {
  const loaded = loadCases();
  const ids = loaded.map((l) => l.fullId);
  assert.equal(new Set(ids).size, ids.length, 'case ids are unique');
  const workers = Number(process.env.CORPUS_WORKERS ?? 2);
  const started = Date.now();
  const outcomes = await runPool(loaded, workers, (l) => runCase(l.file, l.case));
  const seconds = (Date.now() - started) / 1000;
  const rows = loaded.map((l, i) => ({ key: l.case.entry, id: l.fullId, verdict: classify(l.case, outcomes[i]), peakRssMB: outcomes[i].peakRssMB, ms: outcomes[i].report?.ms, cpuMs: outcomes[i].report?.cpuMs }));

  for (const r of rows) {
    const expected = 'error' in loaded.find((l) => l.fullId === r.id)!.case.expect ? 'clear' : 'correct';
    const failing = FAILING.includes(r.verdict.cls) || (expected === 'correct' && r.verdict.cls !== 'correct');
    await t.test(`${r.id}: ${r.verdict.cls}`, { todo: !failing && r.verdict.cls === 'unclear' ? r.verdict.detail : undefined }, () => {
      assert.ok(!failing, `${r.verdict.cls}: ${r.verdict.detail}`);
    });
  }

  const counts = Object.fromEntries(CLASSES.map((c) => [c, rows.filter((r) => r.verdict.cls === c).length])) as Record<OutcomeClass, number>;
  const errorCases = loaded.filter((l) => 'error' in l.case.expect).length;
  const peak = Math.max(...rows.map((r) => r.peakRssMB));
  const cpu = outcomes.reduce((s, o) => s + (o.report?.cpuMs ?? 0), 0) / 1000;
  const report = [
    `corpus: ${rows.length} cases (${errorCases} bad inputs, ${rows.length - errorCases} fine inputs) in ${seconds.toFixed(1)} s on ${workers} workers (${cpu.toFixed(0)} s of CPU: about ${(cpu / 2).toFixed(0)} s on 2 idle cores); peak resident memory of a case ${peak} MB`,
    ...CLASSES.map((c) => `  ${String(counts[c]).padStart(4)}  ${CLASS_LABELS[c]}`),
    countTable(rows),
    ...rows.filter((r) => r.verdict.cls !== 'clear' && r.verdict.cls !== 'correct').map((r) => `  ${r.verdict.cls}: ${r.id}: ${r.verdict.detail}`),
  ].join('\n');
  console.log(report);
  fs.mkdirSync(path.join(ROOT, 'test-output'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'test-output', 'corpus.json'), JSON.stringify({ seconds, workers, counts, rows }, null, 1));

  assert.deepEqual(FAILING.map((c) => [c, counts[c]]), FAILING.map((c) => [c, 0]), 'no silent wrong results, errors of the wrong kind, hangs or crashes');
  if (!process.env.CORPUS_FILTER) {
    assert.ok(counts.clear >= 0.95 * errorCases, `at least 95% of the bad inputs give a clear ScalingLabError with a hint: ${counts.clear} of ${errorCases}`);
    assert.ok(rows.length >= 150, `at least 150 cases, got ${rows.length}`);
    const missing = ENTRY_POINTS.filter((e) => !rows.some((r) => r.key === e || r.key.startsWith(`${e}.`)));
    assert.deepEqual(missing, [], 'every entry point has cases');
  }
});
