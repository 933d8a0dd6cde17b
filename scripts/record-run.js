#!/usr/bin/env node
// Records a toy run too long for CI (docs/toys.md#recorded-runs): trains it once with the built
// package and writes the record (seed, code version, machine, minutes, curves, result) as JSON.
//   node scripts/record-run.js --toy residual-depth --options '{"dim":32,"hidden":128}' \
//        --replay-steps 200 --out notebooks/recorded/depth-paper-size.json
// A notebook shows it with loadRecordedRun(path); test/unit/recorded-runs.test.ts re-runs its first
// --replay-steps steps and compares them bit for bit. Commit the code first: the record names the commit.
'use strict';
const fs = require('fs');
const path = require('path');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && process.argv[i + 1] !== undefined) return process.argv[i + 1];
  if (fallback !== undefined) return fallback;
  console.error(`record-run: missing --${name}`);
  process.exit(2);
}

async function main() {
  const toy = arg('toy');
  const options = JSON.parse(arg('options', '{}'));
  const replaySteps = Number(arg('replay-steps', '200'));
  const out = path.resolve(arg('out'));
  const { recordToyRun } = require(path.join(__dirname, '..', 'dist', 'core.js'));
  let last = 0;
  const onProgress = (e) => {
    if (Date.now() - last < 10000 && e.fraction < 1) return;
    last = Date.now();
    process.stderr.write(`[record-run] ${toy}: ${(100 * e.fraction).toFixed(1)}% (${e.done}/${e.total}), ${e.elapsedSeconds.toFixed(0)} s\n`);
  };
  const rec = await recordToyRun(toy, { ...options, onProgress }, replaySteps);
  if (rec.code.dirty) process.stderr.write('[record-run] warning: src/ has uncommitted changes; the record cannot name the exact code.\n');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(rec)}\n`);
  process.stderr.write(`[record-run] wrote ${out} (${(fs.statSync(out).size / 1024).toFixed(0)} KB, ${rec.minutes.toFixed(1)} min, commit ${rec.code.commit.slice(0, 10)})\n`);
}

main().catch((e) => { console.error(e && e.stack ? e.stack : e); process.exit(1); });
