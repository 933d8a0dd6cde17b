import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** The repo root (tests run from build/test/...). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const OUTPUT_DIR = path.join(ROOT, 'test-output');
/** The notebooks the kernel and browser tests run (kept out of notebooks/, which researchers browse). */
export const FIXTURE_NOTEBOOKS = path.join(ROOT, 'test', 'fixtures', 'notebooks');

export interface NotebookReport {
  notebook: string;
  seconds: number;
  ok: boolean;
  problems?: string[];
  cells: Array<{ index: number; seconds: number; outputs: string[]; mimes: string[] }>;
}

/** Python with Jupyter (set by scripts/setup.js); the Debian one otherwise. */
export function jupyterPython(): string {
  return process.env.SCALINGLAB_PYTHON ?? '/usr/bin/python3';
}

/** Environment in which the `scalinglab` kernel spec under build/jupyter is visible. */
export function kernelEnv(): NodeJS.ProcessEnv {
  const jp = path.join(ROOT, 'build', 'jupyter');
  return { ...process.env, JUPYTER_PATH: [jp, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter) };
}

/**
 * Executes a notebook headless in the scalinglab kernel with scripts/run_notebook.py and returns its
 * report, the stderr text (which names the failing notebook and cell) and the executed notebook.
 */
export function runNotebook(notebookPath: string, opts: { timeoutSeconds?: number; outName?: string } = {}) {
  const outDir = path.join(OUTPUT_DIR, 'notebooks');
  fs.mkdirSync(outDir, { recursive: true });
  const outPath = path.join(outDir, opts.outName ?? path.basename(notebookPath));
  const r = spawnSync(jupyterPython(), [
    path.join(ROOT, 'scripts', 'run_notebook.py'), notebookPath, '--out', outPath,
    '--timeout', String(opts.timeoutSeconds ?? 900),
  ], { encoding: 'utf8', env: kernelEnv(), maxBuffer: 64 * 1024 * 1024 });
  let report: NotebookReport | null = null;
  try { report = JSON.parse(r.stdout.trim().split('\n').pop() ?? ''); } catch { report = null; }
  const executed = fs.existsSync(outPath) ? JSON.parse(fs.readFileSync(outPath, 'utf8')) : null;
  return { status: r.status, stderr: r.stderr, report, executed, outPath };
}

/** Writes a throwaway notebook for the kernel tests. */
export function writeNotebook(file: string, cells: Array<{ source: string; tags?: string[] }>): string {
  const nb = {
    cells: cells.map((c, i) => ({
      cell_type: 'code', execution_count: null, id: `t${i}`, metadata: c.tags ? { tags: c.tags } : {}, outputs: [], source: c.source,
    })),
    metadata: { kernelspec: { display_name: 'TypeScript (scalinglab)', language: 'typescript', name: 'scalinglab' } },
    nbformat: 4, nbformat_minor: 5,
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(nb, null, 1));
  return file;
}

export interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}
export interface Cell { cell_type: string; source: string | string[]; metadata?: { tags?: string[] }; outputs?: Output[] }
export interface Notebook { cells: Cell[] }

/** The one cell carrying the metadata tag `tag`; throws (failing the test) when there is not exactly one. */
export function cellTagged(nb: Notebook, tag: string): Cell {
  const found = nb.cells.filter((c) => c.metadata?.tags?.includes(tag));
  if (found.length !== 1) throw new Error(`expected one cell tagged '${tag}', found ${found.length}`);
  return found[0];
}

/** The stdout text of a cell. */
export function stdoutOf(c: Cell): string {
  return (c.outputs ?? []).filter((o) => o.output_type === 'stream' && o.name === 'stdout').map((o) => [o.text ?? ''].flat().join('')).join('');
}

/** The display_data outputs of a cell. */
export function displaysOf(c: Cell): Output[] {
  return (c.outputs ?? []).filter((o) => o.output_type === 'display_data');
}

/**
 * A notebook run shared by the tests that check its cells: executed on the first call (whichever test
 * asks first, so each test also runs alone), the same result afterwards; fails the asking test when the
 * notebook did not run.
 */
export function executedOnce(run: () => ReturnType<typeof runNotebook>): () => Notebook {
  let result: ReturnType<typeof runNotebook> | undefined;
  return () => {
    result ??= run();
    if (result.status !== 0 || !result.executed) throw new Error(`the notebook did not run:\n${result.stderr}`);
    return result.executed as Notebook;
  };
}
