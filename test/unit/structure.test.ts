// The house rules on the code's shape, checked on every run so that they stay true: no import cycles
// in src/, no file over 450 lines, no exported function over 120 lines, no block of six or more lines
// repeated in src/, no runtime dependency that nothing imports, and nothing that refers to documents
// outside the repository.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SRC = path.join(ROOT, 'src');

function filesUnder(dir: string, ext: RegExp): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : filesUnder(p, ext);
    return ext.test(e.name) ? [p] : [];
  }).sort();
}

const sources = filesUnder(SRC, /\.ts$/).filter((f) => !f.endsWith('.d.ts'));
const rel = (f: string) => path.relative(ROOT, f);
const parsed = new Map(sources.map((f) => [f, ts.createSourceFile(f, fs.readFileSync(f, 'utf8'), ts.ScriptTarget.ES2022, true)]));

/** Relative imports and re-exports of a source file, resolved to files in src/. */
function localImports(file: string): string[] {
  const out: string[] = [];
  const sf = parsed.get(file)!;
  const add = (spec: string) => {
    if (!spec.startsWith('.')) return;
    const base = path.resolve(path.dirname(file), spec);
    const hit = [`${base}.ts`, path.join(base, 'index.ts')].find((c) => parsed.has(c));
    if (hit) out.push(hit);
  };
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])
      && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      add(node.arguments[0].text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Every cycle's files, found by a depth-first search over the import graph (type-only imports included). */
export function importCycles(files: string[], importsOf: (f: string) => string[]): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const g of importsOf(f)) {
      if (state.get(g) === 'open') cycles.push(stack.slice(stack.indexOf(g)).concat(g));
      else if (!state.has(g)) visit(g);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return cycles;
}

test('src/ has no import cycles (type-only imports count too)', () => {
  const graph = new Map(sources.map((f) => [f, localImports(f)]));
  const cycles = importCycles(sources, (f) => graph.get(f) ?? []);
  assert.deepEqual(cycles.map((c) => c.map(rel).join(' -> ')), []);
});

test('the cycle check finds a planted cycle', () => {
  const graph: Record<string, string[]> = { a: ['b'], b: ['c'], c: ['a'], d: ['a'] };
  assert.deepEqual(importCycles(Object.keys(graph), (f) => graph[f]), [['a', 'b', 'c', 'a']]);
});

test('no file in src/ is over 450 lines', () => {
  const long = sources.map((f) => ({ f: rel(f), n: fs.readFileSync(f, 'utf8').split('\n').length }))
    .filter((x) => x.n > 450);
  assert.deepEqual(long, []);
});

/** Exported functions (declarations, and consts initialised with a function) with their line counts. */
function exportedFunctionLengths(sf: ts.SourceFile): Array<{ name: string; lines: number }> {
  const out: Array<{ name: string; lines: number }> = [];
  const lines = (node: ts.Node) => sf.getLineAndCharacterOfPosition(node.getEnd()).line - sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  const exported = (node: ts.Node) => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st) && exported(st) && st.body) out.push({ name: st.name?.text ?? 'default', lines: lines(st) });
    if (ts.isVariableStatement(st) && exported(st)) {
      for (const d of st.declarationList.declarations) {
        if (d.initializer && (ts.isArrowFunction(d.initializer) || ts.isFunctionExpression(d.initializer))) {
          out.push({ name: d.name.getText(sf), lines: lines(d.initializer) });
        }
      }
    }
    if (ts.isClassDeclaration(st) && exported(st)) {
      for (const m of st.members) {
        if ((ts.isMethodDeclaration(m) || ts.isConstructorDeclaration(m)) && m.body) {
          out.push({ name: `${st.name?.text}.${m.name?.getText(sf) ?? 'constructor'}`, lines: lines(m) });
        }
      }
    }
  }
  return out;
}

test('no exported function in src/ is over 120 lines', () => {
  const long = sources.flatMap((f) => exportedFunctionLengths(parsed.get(f)!).filter((x) => x.lines > 120).map((x) => `${rel(f)}: ${x.name} (${x.lines} lines)`));
  assert.deepEqual(long, []);
});

/**
 * Lines that carry code: blank lines, comments, imports and lone punctuation are passed over, white
 * space is folded (as the `duplicates` tool does), so a repeat cannot hide behind formatting.
 */
function codeLines(text: string): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  let inBlock = false;
  text.split('\n').forEach((raw, i) => {
    let s = raw.trim();
    if (inBlock) { if (s.includes('*/')) inBlock = false; return; }
    if (s.startsWith('/*')) { if (!s.includes('*/')) inBlock = true; return; }
    if (s.startsWith('//') || s.startsWith('*')) return;
    s = s.replace(/\s+/g, ' ');
    if (s === '' || /^[\s{}()[\];,.]*$/.test(s) || /^import\b/.test(s) || /^export \{.*\} from/.test(s) || /^export \* from/.test(s)) return;
    out.push({ line: i + 1, text: s });
  });
  return out;
}

/** Places where a run of `size` code lines stands again elsewhere (exact, after folding white space). */
export function repeatedBlocks(files: Array<{ name: string; text: string }>, size = 6): string[] {
  const seen = new Map<string, string>();
  const found = new Set<string>();
  for (const { name, text } of files) {
    const lines = codeLines(text);
    for (let i = 0; i + size <= lines.length; i++) {
      const key = lines.slice(i, i + size).map((l) => l.text).join('\n');
      const here = `${name}:${lines[i].line}`;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, here);
      else if (!first.startsWith(`${name}:`) || Number(first.split(':')[1]) + size <= lines[i].line) found.add(`${here} repeats ${first}`);
    }
  }
  return [...found];
}

test('no block of six or more lines is repeated in src/', () => {
  const repeats = repeatedBlocks(sources.map((f) => ({ name: rel(f), text: fs.readFileSync(f, 'utf8') })));
  assert.deepEqual(repeats, []);
});

test('the repeat check finds a planted six-line repeat and ignores five', () => {
  const block = (n: number) => Array.from({ length: n }, (_, i) => `  total += weight[${i}] * value[${i}];`).join('\n');
  const files = [{ name: 'a.ts', text: `function f() {\n${block(6)}\n}` }, { name: 'b.ts', text: `// other\nfunction g() {\n${block(6)}\n}` }];
  assert.equal(repeatedBlocks(files).length, 1);
  const short = [{ name: 'a.ts', text: block(5) }, { name: 'b.ts', text: block(5) }];
  assert.equal(repeatedBlocks(short).length, 0);
});

test('every runtime dependency is imported by the package or its launchers', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const code = [...sources, ...filesUnder(path.join(ROOT, 'bin'), /\.js$/)].map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  const unused = Object.keys(pkg.dependencies ?? {}).filter((dep) => {
    const quoted = new RegExp(`['"]${dep.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(/[^'"]*)?['"]`);
    return !quoted.test(code);
  });
  assert.deepEqual(unused, []);
});

test('nothing in the repository refers to documents outside it', () => {
  const dirs = ['src', 'test', 'bin', 'scripts', 'bench', 'notebooks', 'docs', 'binder', 'kernels'].map((d) => path.join(ROOT, d)).filter((d) => fs.existsSync(d));
  const files = [...dirs.flatMap((d) => filesUnder(d, /\.(ts|js|py|md|ipynb|json|yml|sh)$|^postBuild$/)), path.join(ROOT, 'README.md')];
  const pattern = /\.\.\/shared|DESIGN\.md|notes\/tslab\.md|notes\/papers\.md/;
  const self = path.join(ROOT, 'test', 'unit', 'structure.test.ts');
  const offenders = files.filter((f) => f !== self && pattern.test(fs.readFileSync(f, 'utf8'))).map(rel);
  assert.deepEqual(offenders, []);
});
