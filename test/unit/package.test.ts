// The package loads as CommonJS with its types in plain Node; its two entry points (the root and
// scalinglab/core) have no side effects outside a tslab kernel. Installing the packed tarball into
// another project, as the README says: test/install/install.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ScalingLabError, checkOptionKeys } from '../../src/errors';
import { toDataFrame, isDataFrame, dataFrameColumns } from '../../src/data/frame';

const ROOT = path.resolve(__dirname, '..', '..', '..');

test('package.json points main and types at the CommonJS build', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.main, 'dist/index.js');
  assert.equal(pkg.types, 'dist/index.d.ts');
  assert.ok(fs.existsSync(path.join(ROOT, pkg.main)), 'dist/index.js missing: run the build');
  assert.ok(fs.existsSync(path.join(ROOT, pkg.types)));
});

test('package.json exports the root and scalinglab/core (types, require, default), with typesVersions for Node10 resolution', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.deepEqual(pkg.exports['.'], { types: './dist/index.d.ts', require: './dist/index.js', default: './dist/index.js' });
  assert.deepEqual(pkg.exports['./core'], { types: './dist/core.d.ts', require: './dist/core.js', default: './dist/core.js' });
  assert.deepEqual(pkg.typesVersions['*'].core, ['dist/core.d.ts']);
  for (const f of ['dist/core.js', 'dist/core.d.ts']) assert.ok(fs.existsSync(path.join(ROOT, f)), `${f} missing: run the build`);
});

test('danfojs-node is an optional peer (a devDependency here), so installing scalinglab stays on the npm registry', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.dependencies['danfojs-node'], undefined, 'not a dependency: it pulls xlsx from a CDN and tfjs-node (libtensorflow download)');
  assert.ok(pkg.peerDependencies['danfojs-node']);
  assert.deepEqual(pkg.peerDependenciesMeta['danfojs-node'], { optional: true });
  assert.ok(pkg.devDependencies['danfojs-node'], 'the notebooks and tests here use DataFrames');
  assert.deepEqual(pkg.overrides, { xlsx: '0.18.5', '@tensorflow/tfjs-node': 'npm:@tensorflow/tfjs@4.22.0' }, 'the overrides the README tells users to copy');
  for (const d of Object.keys(pkg.dependencies)) assert.doesNotMatch(pkg.dependencies[d], /^(https?:|git|file:)/, `${d} comes from the registry`);
});

test('prepare builds dist/ with the project\'s TypeScript, so npm pack, a git install and a folder install carry it', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.scripts.prepare, 'node scripts/setup.js --prepare');
  assert.ok(pkg.files.includes('dist'));
  assert.ok(pkg.devDependencies.typescript);
});

test('the public declarations name no dependency whose typings fail under --strict without skipLibCheck (danfo, tfjs beyond tfjs-core)', () => {
  const dts = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? dts(path.join(dir, e.name)) : e.name.endsWith('.d.ts') ? [path.join(dir, e.name)] : []));
  const code = (f: string) => fs.readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  // tfjs-core's typings compile; tfjs's whole (tfjs-layers) and danfo's do not.
  const offenders = dts(path.join(ROOT, 'dist')).filter((f) => /['"](danfojs-node|@tensorflow\/tfjs(-node|-layers)?)['"]/.test(code(f)))
    .map((f) => path.relative(ROOT, f));
  assert.deepEqual(offenders, [], 'the install test type-checks a consumer of these under --strict');
});

/**
 * Requires `request` in a fresh Node process (cwd: the repository, so the package resolves by its own
 * name through "exports") and reports what the import changed: global keys added, the counts of the
 * process listeners a library might add, the files loaded, and what `after` (a script) prints.
 */
function importInFreshProcess(request: string, after = 'null'): { addedGlobals: string[]; listeners: number[][]; loaded: string[]; after: unknown } {
  const script = `
    const events = ['uncaughtException', 'unhandledRejection', 'exit'];
    const snap = () => ({ globals: Reflect.ownKeys(globalThis).map(String), listeners: events.map((e) => process.listenerCount(e)) });
    const before = snap();
    const cached = new Set(Object.keys(require.cache));
    const pkg = require(process.argv[1]);
    const now = snap();
    const result = {
      addedGlobals: now.globals.filter((k) => !before.globals.includes(k)),
      listeners: [before.listeners, now.listeners],
      loaded: Object.keys(require.cache).filter((k) => !cached.has(k)),
    };
    result.after = (${after})(pkg);
    console.log(JSON.stringify(result));`;
  const out = execFileSync(process.execPath, ['-e', script, request], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!);
}

const TSLAB = /[\\/]node_modules[\\/]tslab[\\/]/;
const TFJS = /[\\/]node_modules[\\/]@tensorflow[\\/]/;
const NOTEBOOK_LAYER = /[\\/]dist[\\/]notebook[\\/]/;

test('importing scalinglab/core in a fresh process adds no globals or process listeners and loads no tslab, tfjs or notebook layer', () => {
  const r = importInFreshProcess('scalinglab/core', '(s) => [typeof s.fitUniversal, typeof s.runToy, typeof s.show, typeof s.installMagics, typeof s.Rng]');
  assert.deepEqual(r.after, ['function', 'function', 'undefined', 'undefined', 'function'], 'the science, and nothing of the notebook layer');
  assert.deepEqual(r.addedGlobals, []);
  assert.deepEqual(r.listeners[1], r.listeners[0], 'uncaughtException / unhandledRejection / exit listeners');
  assert.ok(r.loaded.some((f) => /[\\/]dist[\\/]core\.js$/.test(f)), 'dist/core.js was loaded');
  for (const [what, pattern] of [['tslab', TSLAB], ['tfjs', TFJS], ['the notebook layer', NOTEBOOK_LAYER]] as const) {
    assert.deepEqual(r.loaded.filter((f) => pattern.test(f)), [], `${what} in require.cache`);
  }
});

test('importing the package root outside a kernel changes nothing: no globals, listeners, renderer or magics; rewriteCell says how to turn magics on', () => {
  const r = importInFreshProcess('scalinglab', `(s) => {
    const magicsBefore = s.listMagics().length;
    let error = '';
    try { s.rewriteCell('%fit u = runs'); } catch (e) { error = e.name + ': ' + e.message; }
    s.registerBuiltinMagics();
    return { magicsBefore, error, rewritten: s.rewriteCell('%fit u = runs --no-progress') };
  }`);
  assert.deepEqual(r.addedGlobals, [], 'no renderer and no magic registry on globalThis');
  assert.deepEqual(r.listeners[1], r.listeners[0]);
  for (const [what, pattern] of [['tslab', TSLAB], ['tfjs', TFJS]] as const) assert.deepEqual(r.loaded.filter((f) => pattern.test(f)), [], `${what} in require.cache`);
  const after = r.after as { magicsBefore: number; error: string; rewritten: string };
  assert.equal(after.magicsBefore, 0, 'importing registers no magics');
  assert.match(after.error, /^MagicError: unknown magic %fit: no magics are registered[\s\S]*installMagics\(\)/);
  assert.match(after.rewritten, /const u = scalinglab_fitUniversal\(runs\); scalinglab_show\(u\);/, 'registerBuiltinMagics() turns them on');
});

test('an unknown option is a ScalingLabError that names it and suggests the right one', () => {
  assert.throws(() => checkOptionKeys('fitUniversal', { exlude: 1 }, ['exclude', 'objective']), (err: unknown) => {
    assert.ok(err instanceof ScalingLabError);
    assert.equal(err.code, 'unknown-option');
    assert.match(err.message, /'exlude'/);
    assert.match(err.message, /exclude/);
    return true;
  });
  assert.doesNotThrow(() => checkOptionKeys('f', { exclude: 1 }, ['exclude']));
});

test('columns round-trip through a danfo DataFrame', () => {
  const df = toDataFrame({ width: [1, 2, 3], name: ['a', 'b', 'c'] });
  assert.ok(isDataFrame(df));
  assert.deepEqual(df.shape, [3, 2]);
  assert.deepEqual(dataFrameColumns(df), { width: [1, 2, 3], name: ['a', 'b', 'c'] });
});
