// The package loads as CommonJS with its types, in plain Node and from a packed tarball.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
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

test('the packed tarball installs into another folder, loads by name and type-checks', { timeout: 600_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scalinglab-pack-'));
  const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', tmp], { cwd: ROOT, encoding: 'utf8' });
  const tarball = path.join(tmp, out.trim().split('\n').pop()!.trim());
  assert.ok(fs.existsSync(tarball), `npm pack produced no tarball: ${out}`);
  const app = path.join(tmp, 'app');
  fs.mkdirSync(app);
  // A consumer on a machine without libtensorflow downloads uses the same overrides as this repo (README).
  const { overrides } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, overrides }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: app, encoding: 'utf8', stdio: 'pipe' });
  const printed = execFileSync(process.execPath, ['-e',
    "const s=require('scalinglab');const df=s.toDataFrame({a:[1,2]});console.log(typeof s.ScalingLabError, df.shape.join('x'))"],
  { cwd: app, encoding: 'utf8' });
  assert.match(printed, /function 2x1/);
  fs.writeFileSync(path.join(app, 'check.ts'),
    "import { ScalingLabError, toDataFrame } from 'scalinglab';\nconst e: ScalingLabError = new ScalingLabError('x', 'y');\nconst n: number = toDataFrame({ a: [1] }).shape[0];\nconsole.log(e.code, n);\n");
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict',
    '--module', 'commonjs', '--moduleResolution', 'node10', '--target', 'es2022', '--skipLibCheck', '--types', 'node',
    '--typeRoots', path.join(ROOT, 'node_modules', '@types'), 'check.ts'], { cwd: app, encoding: 'utf8' });
});
