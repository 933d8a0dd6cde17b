// Recorded runs (src/toys/recorded.ts): every record under notebooks/recorded/ is re-run for its first
// steps with the same options and must match bit for bit, so a recorded run shown in a notebook is known
// to come from this code. The replay check itself is shown to fail on a perturbed record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { loadRecordedRun, recordToyRun, replayRecordedRun } from '../../src/toys/recorded';
import { runToy } from '../../src/toys/run';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const DIR = path.join(ROOT, 'notebooks', 'recorded');

test('a run recorded here replays bit for bit, and a record with one value changed does not', async () => {
  const rec = await recordToyRun('softmax-time', { steps: 60, batch: 64, logEvery: 5, seed: 3 }, 30);
  assert.equal(rec.replaySteps, 30);
  assert.equal(rec.options.seed, 3);
  assert.match(rec.code.commit, /^([0-9a-f]{40}|unknown)$/);
  const ok = await replayRecordedRun(rec);
  assert.deepEqual(ok.mismatches, []);
  assert.equal(ok.identical, true);
  assert.equal(ok.compared, 6, 'steps 0, 5, ..., 25 of the first 30');
  const perturbed = { ...rec, curves: { ...rec.curves, loss: rec.curves.loss.map((v, i) => (i === 2 ? v * (1 + 1e-7) : v)) } };
  const bad = await replayRecordedRun(perturbed);
  assert.equal(bad.identical, false);
  assert.match(bad.mismatches[0], /^step 10: loss/);
});

test('the other stoppable toys replay bit for bit too (superposition-width, residual-depth)', async () => {
  const width = await recordToyRun('superposition-width', { widths: [8, 12], features: 100, steps: 40, logEvery: 5, batch: 16 }, 20);
  const depth = await recordToyRun('residual-depth', { depths: [2, 3], teacherDepth: 4, dim: 8, hidden: 16, pool: 512, testSize: 64, steps: 40, logEvery: 5, batch: 16 }, 20);
  for (const rec of [width, depth]) {
    const r = await replayRecordedRun(rec);
    assert.deepEqual(r.mismatches, [], rec.toy);
    assert.equal(r.compared, 8, `${rec.toy}: 4 logged points for each of 2 models`);
  }
});

test('stopAfter trains the first steps of the same schedule: the points match the full run\'s', async () => {
  const full = await runToy('superposition-width', { widths: [10], features: 200, steps: 80, logEvery: 10, batch: 32 });
  const part = await runToy('superposition-width', { widths: [10], features: 200, steps: 80, logEvery: 10, batch: 32, stopAfter: 40 });
  const loss = (r: typeof full) => Array.from(r.curves.column('loss').values as ArrayLike<number>);
  assert.deepEqual(loss(part), loss(full).slice(0, 4));
  await assert.rejects(runToy('superposition-time', { stopAfter: 10 }), /stopAfter' is not supported/);
});

test('a recorded run displays labelled as recorded, with seed, commit, machine and minutes', async () => {
  const rec = await recordToyRun('softmax-time', { steps: 20, batch: 32, logEvery: 5 }, 10);
  const shown = loadRecordedRun(rec);
  assert.equal(shown.kind, 'toy');
  assert.match(shown.summary(), /^RECORDED run \(not re-run in this notebook\): seed 0, scalinglab \S+ (commit [0-9a-f]{10}|commit unknown).*minutes, recorded \d{4}-\d\d-\d\d; its first 10 steps are re-run/);
  assert.equal(shown.notes[0], shown.summary().split('\n')[0]);
  assert.throws(() => loadRecordedRun(path.join(ROOT, 'package.json')), /is not a recorded toy run/);
});

const records = fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort() : [];
for (const file of records) {
  test(`recorded run ${file}: its first steps re-run bit for bit`, async () => {
    const r = await replayRecordedRun(path.join(DIR, file));
    assert.deepEqual(r.mismatches, [], `${file}: the replay differs from the record`);
    assert.ok(r.identical && r.compared > 0, `${file}: nothing compared`);
  });
}
