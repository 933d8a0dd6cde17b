// Kernel level: interrupting a running %toy cell (jupyter_client's interrupt_kernel, i.e. SIGINT)
// stops the training: the progress bar stops advancing within a second, the next cells run, and the
// toy has freed every tensor. Driven by test/kernel/interrupt_toy.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { ROOT, OUTPUT_DIR, jupyterPython, kernelEnv } from '../helpers/notebooks';

interface Report {
  tensorsBefore: number; tensorsAfter: number | null;
  interruptedAt: number; stepAtInterrupt: number; progress: Array<[number, number]>;
  toyReply: string; toyText: string; idleAt: number | null;
  nextCell: { status: string; text: string }; nextToy: { status: string; text: string };
}

test('interrupting a running toy cell stops the toy within 1 s, frees its tensors, and the next cells run', { timeout: 300_000 }, () => {
  const cwd = path.join(OUTPUT_DIR, 'interrupt');
  fs.mkdirSync(cwd, { recursive: true });
  const r = spawnSync(jupyterPython(), [path.join(ROOT, 'test', 'kernel', 'interrupt_toy.py'), '--cwd', cwd],
    { encoding: 'utf8', env: kernelEnv(), timeout: 280_000 });
  assert.equal(r.status, 0, `driver failed:\n${r.stderr}`);
  const rep = JSON.parse(r.stdout.trim().split('\n').pop()!) as Report;
  console.log(JSON.stringify({ ...rep, progress: rep.progress.slice(-5) }));
  assert.ok(rep.interruptedAt !== undefined, 'the toy never showed progress to interrupt');
  const late = rep.progress.filter(([t, step]) => step > rep.stepAtInterrupt && t > rep.interruptedAt + 1);
  assert.deepEqual(late, [], 'progress after more than 1 s past the interrupt');
  const last = Math.max(...rep.progress.map(([, s]) => s));
  assert.ok(last < 1_000_000, `the toy ran to the end (${last} steps)`);
  assert.equal(rep.toyReply, 'error', 'the interrupted cell ends with an error reply');
  assert.match(rep.toyText, /Interrupted/);
  assert.ok(rep.idleAt !== null && rep.idleAt - rep.interruptedAt < 1, `the kernel was idle ${rep.idleAt} s (interrupt at ${rep.interruptedAt} s)`);
  assert.equal(rep.nextCell.status, 'ok', rep.nextCell.text);
  assert.equal(rep.tensorsAfter, rep.tensorsBefore, 'tf.memory().numTensors back to its value before the toy');
  assert.equal(rep.nextToy.status, 'ok', rep.nextToy.text);
  assert.match(rep.nextToy.text, /ran 40/, 'a new toy runs after the interrupt (its cell has a fresh signal)');
});
