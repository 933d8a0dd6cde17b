// Tables with and without danfojs-node (an optional peer): the ColumnTable that stands in for a danfo
// DataFrame, what toDataFrame gives when danfo is missing or broken, and that a danfo DataFrame has
// the `DataFrame` interface of our typings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as path from 'path';
import * as dfd from 'danfojs-node';
import { ColumnTable } from '../../src/data/columnTable';
import { toDataFrame, isDataFrame, dataFrameColumns, type DataFrame } from '../../src/data/frame';
import { parseCSV } from '../../src/data/csv';
import { toColumns } from '../../src/data/columns';
import { ScalingLabError } from '../../src/errors';
import { datasets } from '../../src/data/datasets';

const ROOT = path.resolve(__dirname, '..', '..', '..');

test('a ColumnTable has the DataFrame interface: columns, shape, column(name).values, head, toCSV, toJSON', () => {
  const t = new ColumnTable({ width: [256, 512, 1024], name: ['a', 'b,c', 'say "hi"'] });
  assert.deepEqual(t.columns, ['width', 'name']);
  assert.deepEqual(t.shape, [3, 2]);
  assert.deepEqual(t.column('width').values, [256, 512, 1024]);
  assert.deepEqual(t.head(2).shape, [2, 2]);
  assert.deepEqual(t.head(2).column('name').values, ['a', 'b,c']);
  assert.ok(isDataFrame(t));
  assert.deepEqual(toColumns(t, 'test'), { width: [256, 512, 1024], name: ['a', 'b,c', 'say "hi"'] }, 'every data input takes it');
  assert.deepEqual(parseCSV(t.toCSV()), dataFrameColumns(t), 'toCSV round-trips through the CSV reader, quotes and all');
  assert.deepEqual(t.toJSON()[2], { width: 1024, name: 'say "hi"' });
  assert.deepEqual(new ColumnTable({}).shape, [0, 0]);
});

test('a ColumnTable prints its first 10 rows aligned and counts the rest', () => {
  const t = new ColumnTable({ step: Array.from({ length: 12 }, (_, i) => i), loss: Array.from({ length: 12 }, (_, i) => 1 / (i + 1)) });
  const lines = t.toString().split('\n');
  assert.equal(lines[0], '12 rows × 2 columns');
  assert.equal(lines.length, 1 + 1 + 10 + 1);
  assert.equal(lines.at(-1), '... 2 more rows');
  assert.equal(new Set(lines.slice(1, 12).map((l) => l.length)).size, 1, 'rows aligned');
  assert.match(lines[3], /^\s*1\s+1\s+0\.5$/);
});

test('a ColumnTable names a missing column and lists the ones it has', () => {
  assert.throws(() => new ColumnTable({ width: [1] }).column('depth'), (err: unknown) => {
    assert.ok(err instanceof ScalingLabError);
    assert.equal(err.code, 'missing-column');
    assert.match(err.message, /'depth'.*columns: width/);
    return true;
  });
});

test('a danfo DataFrame has the DataFrame interface of our typings, and toDataFrame gives one where danfo is installed', () => {
  const df: DataFrame = new dfd.DataFrame({ a: [1, 2] }); // compiles only while danfo's DataFrame has the interface
  assert.deepEqual(dataFrameColumns(df), { a: [1, 2] });
  const made = toDataFrame<dfd.DataFrame>({ a: [1, 2] });
  assert.ok(made instanceof dfd.DataFrame);
  assert.ok(!(made instanceof ColumnTable));
  assert.equal(made.column('a').mean(), 1.5, 'danfo\'s API, type-checked');
});

test('a loader given danfo\'s DataFrame type gives danfo\'s API (type-checked) with meta', () => {
  const df = datasets.chinchilla<dfd.DataFrame>();
  const wide = df.query(df.column('width').gt(4000));
  const widths = datasets.chinchilla({ as: 'columns' }).width as number[];
  assert.equal(wide.shape[0], widths.filter((w) => w > 4000).length);
  assert.ok(wide.shape[0] > 0 && wide.shape[0] < 245);
  assert.equal(df.meta.name, 'chinchilla');
});

/** Runs toDataFrame in a fresh process where requiring danfojs-node throws `error` (a script expression). */
function toDataFrameWhenDanfoThrows(error: string): { kind: string; shape?: number[]; code?: string; message?: string } {
  const script = `
    const Module = require('module');
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) {
      if (request === 'danfojs-node') throw ${error};
      return resolve.call(this, request, ...rest);
    };
    const { toDataFrame } = require(${JSON.stringify(path.join(ROOT, 'build', 'src', 'data', 'frame.js'))});
    const { ColumnTable } = require(${JSON.stringify(path.join(ROOT, 'build', 'src', 'data', 'columnTable.js'))});
    try {
      const t = toDataFrame({ a: [1, 2, 3] });
      console.log(JSON.stringify({ kind: t instanceof ColumnTable ? 'ColumnTable' : 'other', shape: t.shape }));
    } catch (e) {
      console.log(JSON.stringify({ kind: e.name, code: e.code, message: e.message }));
    }`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim());
}

test('without danfojs-node, toDataFrame gives a ColumnTable', () => {
  // Node's own error for a package that is not installed.
  const r = toDataFrameWhenDanfoThrows(`Object.assign(new Error("Cannot find module 'danfojs-node'\\nRequire stack:\\n- x"), { code: 'MODULE_NOT_FOUND' })`);
  assert.deepEqual(r, { kind: 'ColumnTable', shape: [3, 1] });
});

test('a danfojs-node that is installed but does not load is a ScalingLabError with the overrides that avoid native parts', () => {
  const r = toDataFrameWhenDanfoThrows(`new Error('libtensorflow.so.2: cannot open shared object file')`);
  assert.equal(r.kind, 'ScalingLabError');
  assert.equal(r.code, 'danfo-load');
  assert.match(r.message!, /danfojs-node is installed but does not load: libtensorflow/);
  assert.match(r.message!, /"@tensorflow\/tfjs-node": "npm:@tensorflow\/tfjs@4\.22\.0"[\s\S]*npm install danfojs-node@1\.2\.0/);
  // A dependency of danfo that is missing is not danfo missing.
  const dep = toDataFrameWhenDanfoThrows(`Object.assign(new Error("Cannot find module 'xlsx'"), { code: 'MODULE_NOT_FOUND' })`);
  assert.equal(dep.code, 'danfo-load');
});
