// Binder: binder/postBuild (what repo2docker runs after building the environment) must run green and
// leave a registered scalinglab kernel. Run here against the Debian Jupyter, into a temporary prefix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT, jupyterPython } from '../helpers/notebooks';

test('binder/postBuild builds the package and registers the scalinglab kernel', { timeout: 600_000 }, () => {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'scalinglab-binder-'));
  const env = { ...process.env, SCALINGLAB_KERNEL_PREFIX: prefix, SCALINGLAB_PYTHON: jupyterPython() };
  const r = spawnSync('bash', [path.join(ROOT, 'binder', 'postBuild')], { cwd: ROOT, env, encoding: 'utf8' });
  assert.equal(r.status, 0, `postBuild failed:\n${r.stdout}\n${r.stderr}`);
  const list = spawnSync(jupyterPython(), ['-m', 'jupyter', 'kernelspec', 'list', '--json'], {
    encoding: 'utf8', env: { ...process.env, JUPYTER_PATH: path.join(prefix, 'share', 'jupyter') },
  });
  const specs = JSON.parse(list.stdout).kernelspecs;
  assert.ok(specs.scalinglab, `scalinglab not registered: ${Object.keys(specs)}`);
  const kernel = JSON.parse(fs.readFileSync(path.join(specs.scalinglab.resource_dir, 'kernel.json'), 'utf8'));
  assert.equal(kernel.argv[1], path.join(ROOT, 'bin', 'scalinglab-kernel.js'));
  assert.ok(fs.existsSync(kernel.argv[0]), `node not found at ${kernel.argv[0]}`);
  assert.ok(fs.existsSync(path.join(ROOT, 'dist', 'index.js')));
});

test('binder/environment.yml provides Node 20 and Jupyter', () => {
  const env = fs.readFileSync(path.join(ROOT, 'binder', 'environment.yml'), 'utf8');
  assert.match(env, /nodejs=20/);
  assert.match(env, /jupyterlab/);
  assert.match(env, /notebook/);
});
