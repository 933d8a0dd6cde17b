// Magic options checked against the target function's own option names, and cell signals: each cell
// gets an abort signal that SIGINT (a Jupyter kernel interrupt) aborts, so a toy stops and frees its
// tensors. With a stand-in of tslab's handler; the kernel tests run the real thing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rewriteCell, registerBuiltinMagics, MagicError, installMagics, type TslabJupyterClasses } from '../../src/notebook/magics/index';
import { UNIVERSAL_OPTIONS } from '../../src/fit/universal';
import { EXCLUDE_KEYS } from '../../src/fit/exclude';
import { cellSignal, enableCellSignals, interruptCells, startCell } from '../../src/notebook/cellSignals';
import { ambientSignal } from '../../src/interrupt';
import { runToy } from '../../src/toys/index';

registerBuiltinMagics();

function magicError(cell: string): MagicError {
  try {
    rewriteCell(cell);
  } catch (err) {
    assert.ok(err instanceof MagicError, `${cell}: ${String(err)}`);
    return err;
  }
  assert.fail(`${cell}: no MagicError`);
}

test('a typo in a magic option is a MagicError naming the option and the known ones', () => {
  const nested = magicError('%fit bad = runs --exclude.highestLos 3');
  assert.match(nested.message, /%fit: unknown option --exclude\.highestLos \('highestLos' is not an option of fitUniversal's exclude\)/);
  assert.match(nested.message, /did you mean 'highestLoss'\? Known options: highestLoss, rows, where\./);
  const top = magicError('%fit u = runs --bootstrapp 10');
  assert.match(top.message, /unknown option --bootstrapp \('bootstrapp' is not an option of fitUniversal\)[\s\S]*did you mean 'bootstrap'/);
  for (const name of UNIVERSAL_OPTIONS) assert.ok(top.message.includes(name), `known option ${name} listed`);
  assert.match(top.message, /law, huber, lsq, progress/, "%fit's own options listed too");
  const cases: Array<[string, RegExp]> = [
    ['%fit c = runs --law chinchilla --start hoffmann', /--start \('start' is not an option of fitLaw\)[\s\S]*did you mean 'starts'/],
    ['%fit u = runs --columns.widht d_model', /--columns\.widht \('widht' is not an option of fitUniversal's columns\)[\s\S]*loss, width, depth, tokens, steps, time/],
    ['%frontier f = u --budget 1e20', /%frontier: unknown option --budget \('budget' is not an option of frontier\)[\s\S]*did you mean 'budgets'/],
    ['%compare r = runs --recipee setting', /%compare: unknown option --recipee[\s\S]*did you mean 'recipe'/],
    ['%toy t = softmax-time --stepz 5', /%toy: unknown option --stepz \('stepz' is not an option of runToy\('softmax-time'\)\)[\s\S]*seed, backend, onProgress, signal[\s\S]*steps/],
    ['%toy t = softmax-time --widths 10,20', /--widths \('widths' is not an option of runToy\('softmax-time'\)\)/],
    ['%show u --chrt residuals', /%show: unknown option --chrt \('chrt' is not an option of show\)[\s\S]*chart, maxRows/],
  ];
  for (const [cell, pattern] of cases) assert.match(magicError(cell).message, pattern, cell);
  assert.deepEqual([...EXCLUDE_KEYS], ['highestLoss', 'rows', 'where']);
});

test('the options the functions take still compile, dotted and dashed ones included', () => {
  for (const cell of [
    '%fit u = runs --exclude.highest-loss 40 --bootstrap 50 --seed 0 --level 0.9 --columns.width d_model',
    '%fit u = runs --exclude.where ((r) => r.loss > 4) --no-progress --terms [\'width\', \'time\']',
    '%fit c = runs --law chinchilla --huber 1e-3 --starts hoffmann --fixed.alpha 0.34',
    '%fit m = runs --law mylaw --lsq --variables.N params',
    '%frontier f = u --budgets 1e20,1e22 --paramsPerShape 12 --level 0.9',
    '%compare r = runs --recipe setting --budgets 1e19,1e21 --minPoints 5',
    '%toy t = superposition-width --widths 10,20 --steps 100 --regime weak',
    '%toy t = softmax-time --signal (undefined) --no-progress',
    '%show u --chart residuals --maxRows 5',
  ]) assert.equal(typeof rewriteCell(cell), 'string', cell);
  assert.doesNotMatch(rewriteCell('%toy t = softmax-time --signal (s)')!, /cellSignal/, 'an explicit signal wins');
});

test('cell signals: each cell executed through tslab\'s handler gets a fresh signal; SIGINT aborts every live one', async () => {
  class Handler { calls = 0; async handleExecuteImpl() { this.calls++; return ambientSignal(); } }
  class Server { async handleExecute() { /* stand-in */ } }
  const jupyter = { ZmqServer: Server, JupyterHandlerImpl: Handler } as unknown as TslabJupyterClasses;
  const faultListeners = () => ['uncaughtException', 'unhandledRejection'].map((e) => process.listenerCount(e));
  const before = faultListeners();
  assert.equal(installMagics(jupyter), true);
  assert.deepEqual(faultListeners(), before, 'the magics and cell signals install no uncaughtException / unhandledRejection handler (none that could rethrow)');
  enableCellSignals(Handler.prototype); // idempotent: a second call patches nothing twice
  const h = new Handler();
  const first = await h.handleExecuteImpl() as AbortSignal;
  const second = await h.handleExecuteImpl() as AbortSignal;
  assert.equal(h.calls, 2);
  assert.ok(first instanceof AbortSignal && second instanceof AbortSignal && first !== second);
  assert.equal(cellSignal(), second, 'the ambient signal is the last cell\'s');
  assert.ok(process.listenerCount('SIGINT') >= 1);
  process.emit('SIGINT');
  assert.ok(first.aborted && second.aborted, 'a background toy of an earlier cell stops too');
  assert.equal((second.reason as Error).name, 'KeyboardInterrupt');
  assert.match((second.reason as Error).message, /the kernel was interrupted/);
  assert.equal(interruptCells(), 0, 'nothing left to abort');
  const third = await h.handleExecuteImpl() as AbortSignal;
  assert.equal(third.aborted, false, 'the next cell runs with a fresh signal');
});

test('an interrupt stops a running toy within a second and leaves no tensors', async () => {
  const tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
  await runToy('softmax-time', { steps: 5, batch: 8, fitRange: [0.01, 1] }); // warm the backend up
  const before = tf.memory().numTensors;
  const signal = startCell();
  let interruptedAt = 0, lastStep = 0, stepsAfter = 0;
  const run = runToy('softmax-time', {
    steps: 1_000_000, signal,
    onProgress: (p) => {
      lastStep = p.done;
      if (interruptedAt) stepsAfter++;
      if (!interruptedAt && p.done > 50) { interruptedAt = Date.now(); process.emit('SIGINT'); }
    },
  });
  await assert.rejects(run, (e: unknown) => (e as Error).name === 'KeyboardInterrupt');
  const stoppedAfter = Date.now() - interruptedAt;
  assert.ok(stoppedAfter < 1000, `stopped ${stoppedAfter} ms after the interrupt`);
  assert.ok(lastStep < 1_000_000 && stepsAfter <= 1, `progress after the interrupt: ${stepsAfter}`);
  assert.equal(tf.memory().numTensors, before, 'no tensors left');
});
