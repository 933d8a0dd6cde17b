import { test } from 'node:test';
import assert from 'node:assert/strict';
import { datasets, parseCSV } from '../../src/data';

test('chinchilla(): 245 runs with renamed columns and tokens = flops / (6 params)', () => {
  // Reference: /work/shared/data/README.md (245 rows; num_tokens = FLOP/(6 model_size); 43 shapes from 576x9 to 5120x47).
  const c = datasets.chinchilla({ as: 'columns' });
  assert.deepEqual(Object.keys(c), ['params', 'flops', 'loss', 'tokens', 'width', 'depth']);
  assert.equal(c.loss.length, 245);
  for (let i = 0; i < 245; i++) {
    const tok = (c.flops[i] as number) / (6 * (c.params[i] as number));
    assert.ok(Math.abs(tok / (c.tokens[i] as number) - 1) < 1e-9);
  }
  const shapes = new Set(c.width.map((w, i) => `${w}x${c.depth[i]}`));
  assert.equal(shapes.size, 43);
  assert.ok(shapes.has('576x9') && shapes.has('5120x47'));
  assert.match(c.meta.source, /Epoch/);
});

test('epochChinchilla(): same runs as the width/depth file, tokens derived the same way', () => {
  const e = datasets.epochChinchilla({ as: 'columns' });
  const c = datasets.chinchilla({ as: 'columns' });
  assert.equal(e.loss.length, 245);
  for (let i = 0; i < 245; i++) {
    assert.ok(Math.abs((e.loss[i] as number) / (c.loss[i] as number) - 1) < 1e-14); // the two files print the same values to different last digits
    assert.ok(Math.abs((e.tokens[i] as number) / (c.tokens[i] as number) - 1) < 1e-12);
  }
});

test('the other loaders read their files with the documented row counts', () => {
  // Row counts from /work/shared/data/README.md.
  assert.equal(datasets.gadreWidthDepth({ as: 'columns' }).loss.length, 435);
  assert.equal(datasets.porianRecipes({ as: 'columns' }).loss.length, 1745);
  assert.equal(datasets.porianRecipes({ as: 'columns', table: 'optimal' }).n_star.length, 177);
  const opt = datasets.optTrajectories({ as: 'columns' });
  assert.equal(opt.loss.length, 142);
  assert.ok(Math.abs((opt.loss[0] as number) - Math.log(67.52265444265277)) < 1e-12);
  assert.equal(opt.params[0], 125e6);
  assert.deepEqual(datasets.gpt2({ as: 'columns' }).loss, [3.12, 2.84, 2.67, 2.54]);
});

test('chinchilla() returns a danfo DataFrame by default', () => {
  const df = datasets.chinchilla();
  assert.deepEqual(df.shape, [245, 6]);
  assert.equal(df.meta.name, 'chinchilla');
});

test('parseCSV handles quotes, CRLF and empty numeric cells', () => {
  const c = parseCSV('a,b,"c, d"\r\n1,"x ""y""",2\r\n,z,3\r\n');
  assert.deepEqual(Object.keys(c), ['a', 'b', 'c, d']);
  assert.ok(Number.isNaN(c.a[1] as number));
  assert.deepEqual(c.b, ['x "y"', 'z']);
  assert.deepEqual(c['c, d'], [2, 3]);
});
