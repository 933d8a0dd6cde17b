/**
 * Cell magics: sugar that compiles to ordinary calls of the scalinglab API before tslab compiles the
 * cell (notes/tslab.md 2.3 to 2.5). `rewriteCell` is pure: it returns the TypeScript for a magic cell,
 * null for a plain cell, and throws a MagicError for an unknown magic or a bad argument.
 *
 * This module is loaded by the kernel launcher at start-up: keep it free of heavy imports.
 * Generated code never uses identifiers that start with `__` (a tslab bug, notes/tslab.md 2.7); the
 * package's functions are imported under `scalinglab_` aliases.
 */
import { ScalingLabError } from '../errors';

export class MagicError extends ScalingLabError {
  constructor(message: string, hint?: string) {
    super('bad-magic', message, hint);
    this.name = 'MagicError';
  }
}

export interface MagicContext {
  /** Adds `import { name as scalinglab_name } from 'scalinglab'` and returns the alias. */
  use(name: string): string;
}

export interface MagicSpec {
  name: string;
  kind: 'line' | 'cell';
  /** One line: what the magic does. */
  help: string;
  /** Usage line, e.g. '%fit NAME = DATA [--law LAW] [--OPTION VALUE ...]'. */
  usage: string;
  examples: string[];
  /** Line magics get `args`; cell magics get `args` (rest of the %% line) and `body`. Returns TypeScript. */
  compile(args: string, body: string, ctx: MagicContext): string;
}

const REGISTRY = Symbol.for('scalinglab.magics.v1');
function registry(): Map<string, MagicSpec> {
  const g = globalThis as Record<symbol, Map<string, MagicSpec> | undefined>;
  if (!g[REGISTRY]) g[REGISTRY] = new Map();
  return g[REGISTRY]!;
}

/** Adds (or replaces) a magic. Packages imported in a cell can add their own. */
export function registerMagic(spec: MagicSpec): void {
  if (!/^[A-Za-z][\w-]*$/.test(spec.name)) throw new MagicError(`registerMagic: bad magic name '${spec.name}'.`);
  registry().set(`${spec.kind}:${spec.name}`, spec);
}

export function listMagics(): MagicSpec[] {
  return [...registry().values()];
}

// ---------------------------------------------------------------------------------------------
// Argument parsing: `NAME = TARGET --key value --key=value key=value --flag --no-flag`

const IDENT = /^[A-Za-z_$][\w$]*$/;

export function checkIdentifier(name: string, what: string, usage: string): string {
  if (!IDENT.test(name)) throw new MagicError(`${what} '${name}' is not a valid variable name.`, `usage: ${usage}`);
  if (name.startsWith('__')) throw new MagicError(`${what} '${name}' starts with '__', which tslab cannot handle.`, 'pick a name without the leading underscores.');
  return name;
}

/** Splits on whitespace, keeping quoted strings and bracketed (), [], {} groups together. */
export function tokenize(args: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const ch = args[i];
    if (quote) {
      cur += ch;
      if (ch === '\\' && i + 1 < args.length) { cur += args[++i]; continue; }
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') { quote = ch; cur += ch; continue; }
    if ('([{'.includes(ch)) depth++;
    if (')]}'.includes(ch)) depth--;
    if (/\s/.test(ch) && depth <= 0) {
      if (cur) out.push(cur);
      cur = '';
      depth = 0;
      continue;
    }
    cur += ch;
  }
  if (quote) throw new MagicError(`unterminated ${quote} quote in: ${args}`);
  if (depth > 0) throw new MagicError(`unbalanced brackets in: ${args}`);
  if (cur) out.push(cur);
  return out;
}

const NUM = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Turns one option value into a TypeScript expression. */
export function valueToCode(raw: string): string {
  if (NUM.test(raw)) return raw.replace(/^\+/, '');
  if (/^(true|false|null)$/.test(raw)) return raw;
  if (/^["'`]/.test(raw)) return raw.startsWith('`') ? raw : JSON.stringify(unquote(raw));
  if (/^[([{]/.test(raw)) return raw; // raw TypeScript: (expr), [..], {..}
  if (raw.includes(',')) {
    const parts = raw.split(',').filter((p) => p !== '');
    return `[${parts.map(valueToCode).join(', ')}]`;
  }
  return JSON.stringify(raw);
}

function unquote(s: string): string {
  const q = s[0];
  if (q === '"') return JSON.parse(s);
  return s.slice(1, -1).replace(/\\(.)/g, '$1');
}

export interface ParsedArgs {
  name: string | null;
  positional: string[];
  options: Array<{ key: string[]; raw: string | null }>;
}

/** `[NAME =] positional... [--key value | --key=value | key=value | --flag | --no-flag]...` */
export function parseArgs(args: string, usage: string): ParsedArgs {
  const toks = tokenize(args.trim());
  let name: string | null = null;
  if (toks.length >= 2 && toks[1] === '=') { name = toks[0]; toks.splice(0, 2); }
  else if (toks.length >= 1 && /^[A-Za-z_$][\w$]*=$/.test(toks[0]) && !toks[0].startsWith('--')) { name = toks[0].slice(0, -1); toks.splice(0, 1); }
  if (name !== null) checkIdentifier(name, 'result name', usage);
  const positional: string[] = [];
  const options: ParsedArgs['options'] = [];
  const keyPath = (k: string) => {
    const path = k.split('.').map((p) => p.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()));
    if (path.some((p) => !IDENT.test(p) || p.startsWith('__'))) throw new MagicError(`bad option name '${k}'.`, `usage: ${usage}`);
    return path;
  };
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.startsWith('--')) {
      const body = t.slice(2);
      const eq = body.indexOf('=');
      if (eq > 0) { options.push({ key: keyPath(body.slice(0, eq)), raw: body.slice(eq + 1) }); continue; }
      const next = toks[i + 1];
      if (body.startsWith('no-') && (next === undefined || next.startsWith('--'))) { options.push({ key: keyPath(body.slice(3)), raw: 'false' }); continue; }
      if (next === undefined || (next.startsWith('--') && !NUM.test(next))) { options.push({ key: keyPath(body), raw: 'true' }); continue; }
      options.push({ key: keyPath(body), raw: next });
      i++;
      continue;
    }
    const m = /^([A-Za-z_$][\w$.-]*)=(.+)$/.exec(t);
    if (m && !/^["'`([{]/.test(t)) { options.push({ key: keyPath(m[1]), raw: m[2] }); continue; }
    if (options.length) throw new MagicError(`unexpected '${t}' after the options.`, `usage: ${usage}`);
    positional.push(t);
  }
  return { name, positional, options };
}

/** Builds an object literal from dotted option keys. */
export function optionsToCode(options: Array<{ key: string[]; code: string }>): string {
  type Tree = { [k: string]: Tree | string };
  const tree: Tree = {};
  for (const { key, code } of options) {
    let node = tree;
    key.slice(0, -1).forEach((k) => {
      if (typeof node[k] === 'string') throw new MagicError(`option '${key.join('.')}' conflicts with '${k}'.`);
      node = (node[k] ??= {}) as Tree;
    });
    node[key[key.length - 1]] = code;
  }
  const emit = (t: Tree): string => `{ ${Object.entries(t).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : emit(v)}`).join(', ')} }`;
  return Object.keys(tree).length ? emit(tree) : '';
}

function expression(raw: string, what: string, usage: string): string {
  if (!raw) throw new MagicError(`missing ${what}.`, `usage: ${usage}`);
  if (/^__/.test(raw)) throw new MagicError(`${what} '${raw}' starts with '__', which tslab cannot handle.`);
  // a variable, a member access or call (datasets.chinchilla()), or a bracketed/quoted TypeScript expression
  if (/^[A-Za-z_$([{"'`]/.test(raw) && !/^[A-Za-z_$][\w$]*=/.test(raw)) return raw;
  throw new MagicError(`${what} '${raw}' is not a variable or expression.`, `usage: ${usage}`);
}

/** One line per magic line, so tslab's diagnostics keep the cell's line numbers. */
function resultLines(name: string, call: string, ctx: MagicContext): string {
  return `const ${name} = ${call}; ${ctx.use('show')}(${name});`;
}

// ---------------------------------------------------------------------------------------------
// The built-in magics

export const TOYS = ['softmax-time', 'superposition-width', 'residual-depth'];
export const BUILTIN_LAWS = ['universal', 'chinchilla', 'kaplan'];

function fitOptions(opts: ParsedArgs['options']): { law: string | null; code: string } {
  let lawCode: string | null = null;
  const out: Array<{ key: string[]; code: string }> = [];
  for (const o of opts) {
    const k = o.key.join('.');
    if (k === 'law') {
      const raw = o.raw ?? '';
      lawCode = BUILTIN_LAWS.includes(raw) ? JSON.stringify(raw) : IDENT.test(raw) ? raw : valueToCode(raw);
      continue;
    }
    if (k === 'huber') { out.push({ key: ['objective'], code: `{ huber: ${valueToCode(o.raw ?? 'true')} }` }); continue; }
    if (k === 'lsq') { out.push({ key: ['objective'], code: JSON.stringify('lsq') }); continue; }
    if (k === 'progress') continue;
    out.push({ key: o.key, code: valueToCode(o.raw ?? 'true') });
  }
  return { law: lawCode, code: optionsToCode(out) };
}

/** Adds `onProgress: progressBar()` (bootstrap progress) unless --no-progress or onProgress is given. */
function withProgress(code: string, ctx: MagicContext, opts: ParsedArgs['options']): string {
  if (opts.some((o) => o.key[0] === 'onProgress')) return code ? `, ${code}` : '';
  const bar = `onProgress: ${ctx.use('progressBar')}()`;
  return code ? `, ${code.slice(0, -2)}, ${bar} }` : `, { ${bar} }`;
}

function plainOptions(opts: ParsedArgs['options']): string {
  return optionsToCode(opts.map((o) => ({ key: o.key, code: valueToCode(o.raw ?? 'true') })));
}

const FIT_USAGE = '%fit NAME = DATA [--law universal|chinchilla|kaplan|LAWVAR] [--OPTION VALUE ...]';
const FRONTIER_USAGE = '%frontier NAME = FIT [--budgets 1e20,1e22,1e24] [--OPTION VALUE ...]';
const TOY_USAGE = `%toy NAME = ${TOYS.join('|')} [--seed 0] [--OPTION VALUE ...] [--no-progress]`;
const COMPARE_USAGE = '%compare NAME = DATA --recipe COLUMN [--budgets 1e19,1e21] [--OPTION VALUE ...]';
const SHOW_USAGE = '%show VALUE [--chart residuals]';

function builtins(): MagicSpec[] {
  return [
    {
      name: 'csv', kind: 'cell', usage: '%%csv NAME  (then CSV lines: a header row and data rows)',
      help: 'The cell body is CSV; defines NAME as a danfo DataFrame (same as NAME = csv`...`).',
      examples: ['%%csv runs\nd_model,n_layers,tokens,loss\n512,8,2e9,3.21\n1024,16,8e9,2.85'],
      compile(args, body, ctx) {
        const toks = tokenize(args);
        if (toks.length !== 1) throw new MagicError(toks.length ? `%%csv takes one name, got '${args.trim()}'.` : '%%csv needs a name for the table.', `usage: ${this.usage}`);
        const name = checkIdentifier(toks[0], 'table name', this.usage);
        if (!body.trim()) throw new MagicError(`%%csv ${name}: the cell has no CSV lines below the magic.`, 'add a header row and data rows.');
        return resultLines(name, templateCall(ctx.use('csv'), body), ctx);
      },
    },
    {
      name: 'law', kind: 'cell', usage: '%%law NAME  (then the law expression, e.g. E + A / N^alpha + B / D^beta)',
      help: 'The cell body is a law expression (mathjs syntax); defines NAME for %fit --law NAME or fitLaw(data, NAME).',
      examples: ['%%law mylaw\nE + A / N^alpha + B / D^beta'],
      compile(args, body, ctx) {
        const toks = tokenize(args);
        if (toks.length !== 1) throw new MagicError(toks.length ? `%%law takes one name, got '${args.trim()}'.` : '%%law needs a name for the law.', `usage: ${this.usage}`);
        const name = checkIdentifier(toks[0], 'law name', this.usage);
        if (!body.trim()) throw new MagicError(`%%law ${name}: the cell has no expression below the magic.`, 'e.g. E + A / N^alpha + B / D^beta');
        return `const ${name} = ${templateCall(ctx.use('law'), body)};\n${name}`;
      },
    },
    {
      name: 'fit', kind: 'line', usage: FIT_USAGE,
      help: 'Fits a law to runs: fitUniversal(DATA, options) by default, fitLaw(DATA, LAW, options) with --law.',
      examples: ['%fit u = runs', '%fit u = runs --exclude.highestLoss 40 --bootstrap 200 --seed 0', '%fit c = runs --law chinchilla --huber 1e-3', '%fit m = runs --law mylaw'],
      compile(args, _body, ctx) {
        const p = parseArgs(args, this.usage);
        if (p.positional.length !== 1) throw new MagicError(p.positional.length ? `%fit takes one data set, got ${p.positional.join(' ')}.` : '%fit needs the data to fit.', `usage: ${this.usage}`);
        const data = expression(p.positional[0], 'data', this.usage);
        const { law, code } = fitOptions(p.options);
        const noProgress = p.options.some((o) => o.key.join('.') === 'progress' && o.raw === 'false');
        const name = p.name ?? 'fit';
        const call = law === null || law === '"universal"'
          ? `${ctx.use('fitUniversal')}(${data}${noProgress ? (code ? `, ${code}` : '') : withProgress(code, ctx, p.options)})`
          : `${ctx.use('fitLaw')}(${data}, ${law}${noProgress ? (code ? `, ${code}` : '') : withProgress(code, ctx, p.options)})`;
        return resultLines(name, call, ctx);
      },
    },
    {
      name: 'frontier', kind: 'line', usage: FRONTIER_USAGE,
      help: 'Optimal shape and compute-optimal frontier from a fit: frontier(FIT, options).',
      examples: ['%frontier f = u --budgets 1e20,1e22,1e24'],
      compile(args, _body, ctx) {
        const p = parseArgs(args, this.usage);
        if (p.positional.length !== 1) throw new MagicError(p.positional.length ? `%frontier takes one fit, got ${p.positional.join(' ')}.` : '%frontier needs a fit.', `usage: ${this.usage}`);
        const fit = expression(p.positional[0], 'fit', this.usage);
        const code = plainOptions(p.options);
        return resultLines(p.name ?? 'front', `${ctx.use('frontier')}(${fit}${code ? `, ${code}` : ''})`, ctx);
      },
    },
    {
      name: 'toy', kind: 'line', usage: TOY_USAGE,
      help: 'Trains a toy model (with a progress bar) and shows its curves and fitted exponent: await runToy(NAME, options).',
      examples: ['%toy t = softmax-time --seed 0', '%toy w = superposition-width --steps 1000 --no-progress'],
      compile(args, _body, ctx) {
        const p = parseArgs(args, this.usage);
        if (p.positional.length !== 1) throw new MagicError(p.positional.length ? `%toy takes one toy name, got ${p.positional.join(' ')}.` : `%toy needs a toy name: ${TOYS.join(', ')}.`, `usage: ${this.usage}`);
        const toy = /^["']/.test(p.positional[0]) ? unquote(p.positional[0]) : p.positional[0];
        if (!TOYS.includes(toy)) throw new MagicError(`unknown toy '${toy}'.`, `known toys: ${TOYS.join(', ')}.`);
        const progress = !p.options.some((o) => o.key.join('.') === 'progress' && o.raw === 'false');
        const opts = p.options.filter((o) => o.key.join('.') !== 'progress').map((o) => ({ key: o.key, code: valueToCode(o.raw ?? 'true') }));
        if (progress) opts.push({ key: ['onProgress'], code: `${ctx.use('progressBar')}()` });
        const code = optionsToCode(opts);
        return resultLines(p.name ?? 'toy', `await ${ctx.use('runToy')}(${JSON.stringify(toy)}${code ? `, ${code}` : ''})`, ctx);
      },
    },
    {
      name: 'compare', kind: 'line', usage: COMPARE_USAGE,
      help: 'Compares training recipes by their coefficients (shared exponents): compareRecipes(DATA, options).',
      examples: ['%compare r = runs --recipe setting --budgets 1e19,1e21'],
      compile(args, _body, ctx) {
        const p = parseArgs(args, this.usage);
        if (p.positional.length !== 1) throw new MagicError(p.positional.length ? `%compare takes one data set, got ${p.positional.join(' ')}.` : '%compare needs the data.', `usage: ${this.usage}`);
        const data = expression(p.positional[0], 'data', this.usage);
        const code = plainOptions(p.options);
        return resultLines(p.name ?? 'comparison', `${ctx.use('compareRecipes')}(${data}${code ? `, ${code}` : ''})`, ctx);
      },
    },
    {
      name: 'show', kind: 'line', usage: SHOW_USAGE,
      help: 'Shows a value with its chart, table and summary: show(VALUE, options).',
      examples: ['%show u --chart residuals'],
      compile(args, _body, ctx) {
        const p = parseArgs(args, this.usage);
        if (p.name || p.positional.length !== 1) throw new MagicError('%show takes one value.', `usage: ${this.usage}`);
        const code = plainOptions(p.options);
        return `${ctx.use('show')}(${expression(p.positional[0], 'value', this.usage)}${code ? `, ${code}` : ''});`;
      },
    },
    {
      name: 'help', kind: 'line', usage: '%help [MAGIC]',
      help: 'Lists the magics with examples.',
      examples: ['%help', '%help fit'],
      compile(args) {
        const which = args.trim().replace(/^%+/, '');
        if (which && !listMagics().some((m) => m.name === which)) throw new MagicError(`%help: no magic named '${which}'.`, `known: ${listMagics().map((m) => (m.kind === 'cell' ? '%%' : '%') + m.name).join(', ')}.`);
        return `console.log(${JSON.stringify(helpText(which || undefined))});`;
      },
    },
  ];
}

function templateCall(fn: string, body: string): string {
  // A tagged template when the body survives String.raw unchanged, else a call with a string.
  if (!/[`\\]|\$\{/.test(body)) return `${fn}\`${body}\``;
  return `${fn}(${JSON.stringify(body)})`;
}

for (const spec of builtins()) if (!registry().has(`${spec.kind}:${spec.name}`)) registerMagic(spec);

/** The `%help` text: every magic with its usage and examples. */
export function helpText(which?: string): string {
  const specs = listMagics().filter((m) => !which || m.name === which);
  const lines: string[] = which ? [] : [
    'scalinglab magics (sugar over the API; the scalinglab kernel rewrites them before tslab compiles the cell).',
    'Line magics: `%name [RESULT =] ARGS --option value`; options: --key value, --key=value, key=value,',
    '  --flag (true), --no-flag (false), dotted keys nest (--exclude.highestLoss 40), 1e20,1e22 is a list,',
    '  (expr) / [..] / {..} pass TypeScript through. Each % line may be mixed with ordinary code in a cell.',
    'Cell magics: a first line `%%name ARGS`, the rest of the cell is the body.',
    'Without the scalinglab kernel: `installMagics()` in the stock tslab kernel, or the plain API',
    '  (csv`...`, law`...`, fitUniversal, fitLaw, frontier, runToy, compareRecipes, show).',
    '',
  ];
  for (const m of specs) {
    lines.push(`${m.kind === 'cell' ? '%%' : '%'}${m.name}: ${m.help}`);
    lines.push(`    usage: ${m.usage}`);
    for (const ex of m.examples) lines.push(`    e.g.   ${ex.replace(/\n/g, '\n           ')}`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// The rewriter

const CELL_MAGIC = /^%%([A-Za-z][\w-]*)(.*)$/;
const LINE_MAGIC = /^%([A-Za-z][\w-]*)(.*)$/;

function magicFor(kind: 'line' | 'cell', name: string): MagicSpec {
  const spec = registry().get(`${kind}:${name}`);
  if (spec) return spec;
  const other = registry().get(`${kind === 'line' ? 'cell' : 'line'}:${name}`);
  const known = listMagics().map((m) => (m.kind === 'cell' ? '%%' : '%') + m.name).join(', ');
  if (other) throw new MagicError(`${kind === 'line' ? '%' : '%%'}${name} is a ${other.kind} magic: write ${other.kind === 'cell' ? '%%' : '%'}${name}.`, `usage: ${other.usage}`);
  throw new MagicError(`unknown magic ${kind === 'line' ? '%' : '%%'}${name}.`, `known magics: ${known}; %help lists them with examples.`);
}

/**
 * Rewrites a cell that uses magics into TypeScript calling the scalinglab API; returns null when the
 * cell has no magic (it then runs unchanged). Throws MagicError for an unknown magic or bad arguments.
 */
export function rewriteCell(code: string): string | null {
  if (typeof code !== 'string' || !code.includes('%')) return null;
  const lines = code.split(/\r?\n/);
  const imports = new Map<string, string>();
  const ctx: MagicContext = {
    use(name: string) {
      const alias = `scalinglab_${name}`;
      imports.set(name, alias);
      return alias;
    },
  };
  const header = () => {
    if (!imports.size) return '';
    const names = [...imports].map(([n, a]) => `${n} as ${a}`).join(', ');
    return `import { ${names} } from 'scalinglab'; `; // same line as the cell's first line: line numbers stay
  };

  const first = lines.findIndex((l) => l.trim() !== '');
  if (first >= 0 && CELL_MAGIC.test(lines[first].trim())) {
    const m = CELL_MAGIC.exec(lines[first].trim())!;
    const spec = magicFor('cell', m[1]);
    const body = lines.slice(first + 1).join('\n');
    const out = spec.compile(m[2], body, ctx);
    return header() + out;
  }

  let changed = false;
  const out = lines.map((line) => {
    const t = line.trim();
    if (t.startsWith('%%')) throw new MagicError(`cell magic ${t.split(/\s/)[0]} must be on the first line of the cell.`);
    const m = LINE_MAGIC.exec(t);
    if (!m || line.search(/\S/) !== 0) return line;
    changed = true;
    return magicFor('line', m[1]).compile(m[2], '', ctx);
  });
  if (!changed) return null;
  return header() + out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Hooking the rewriter into tslab (the scalinglab kernel launcher, or installMagics() in a stock kernel)

const PATCHED = Symbol.for('scalinglab.tslabPatched.v1');

interface JupyterModuleLike {
  JupyterHandlerImpl: { prototype: Record<string | symbol, unknown> };
  ZmqServer: { prototype: Record<string | symbol, unknown> };
}

/**
 * Patches a tslab `dist/jupyter` module so that
 * - execute requests go through `rewriteCell` first; a bad magic answers with a proper `error` output
 *   (ename MagicError) and an error reply, in order with the cells before it, and does not abort the
 *   cells queued after it (nothing ran);
 * - requests sent with `stop_on_error: false` (nbclient with allow_errors, "raises-exception" cells)
 *   do not make tslab abort the requests arriving in the next 200 ms after an error.
 * Returns false when the module was already patched.
 */
export function patchTslab(jupyter: JupyterModuleLike, rewrite: (code: string) => string | null = rewriteCell): boolean {
  const zproto = jupyter.ZmqServer.prototype as Record<string | symbol, any>;
  const hproto = jupyter.JupyterHandlerImpl.prototype as Record<string | symbol, any>;
  if (zproto[PATCHED]) return false;
  zproto[PATCHED] = true;

  const originalServerExecute = zproto.handleExecute;
  zproto.handleExecute = async function (this: any, sock: unknown, msg: any) {
    const code = msg?.content?.code;
    let rewritten: string | null = null;
    try {
      rewritten = typeof code === 'string' ? rewrite(code) : null;
    } catch (err) {
      return sendMagicError(this, sock, msg, err);
    }
    if (typeof rewritten === 'string') msg.content = { ...msg.content, code: rewritten };
    return originalServerExecute.call(this, sock, msg);
  };

  const originalHandlerExecute = hproto.handleExecute;
  hproto.handleExecute = async function (this: any, req: any, writeStream: unknown, writeDisplayData: unknown) {
    if (!req || req.stop_on_error !== false) return originalHandlerExecute.call(this, req, writeStream, writeDisplayData);
    // Same as tslab's handleExecute, but a failing cell neither poisons the queue nor aborts later requests.
    let outcome: { count?: any; error?: any };
    try {
      outcome = await this.execQueue.add(() => this.handleExecuteImpl(req, writeStream, writeDisplayData)
        .then((count: any) => ({ count }), (error: any) => ({ error })));
    } catch {
      return { status: 'abort', execution_count: undefined };
    }
    if (outcome.error !== undefined) {
      const e = outcome.error;
      if (e && typeof e.count === 'number') return { status: 'error', execution_count: e.count };
      console.error('unexpected error:', e);
      return { status: 'error', execution_count: undefined };
    }
    return { status: 'ok', execution_count: outcome.count ? outcome.count.count : undefined };
  };
  return true;
}

async function sendMagicError(server: any, sock: unknown, msg: any, err: unknown): Promise<void> {
  const handler = server.handler;
  const ename = (err as Error)?.name || 'MagicError';
  const evalue = (err as Error)?.message ?? String(err);
  let aborted = false;
  try {
    await handler.execQueue.add(() => undefined); // keep the order of outputs with the cells queued before
  } catch {
    aborted = true;
  }
  const reply = msg.createReply();
  reply.header.msg_type = 'execute_reply';
  if (aborted) {
    reply.content = { status: 'abort' };
    reply.signAndSend(server.connInfo.key, sock);
    return;
  }
  const count = ++handler.execCount;
  const traceback = [`\u001b[0;31m${ename}\u001b[0m: ${evalue}`];
  const out = msg.createReply();
  out.header.msg_type = 'error';
  out.content = { ename, evalue, traceback };
  out.signAndSend(server.connInfo.key, server.iopub);
  reply.content = { status: 'error', execution_count: count, ename, evalue, traceback };
  reply.signAndSend(server.connInfo.key, sock);
}

/** The live kernel's tslab `dist/jupyter` module (require.cache lookup, no tslab import). */
function liveJupyterModule(): JupyterModuleLike | null {
  for (const key of Object.keys(require.cache)) {
    if (!/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(key)) continue;
    const mod = require.cache[key]?.exports as (JupyterModuleLike & { lastWriteDisplayData?: unknown }) | undefined;
    if (mod && typeof mod.lastWriteDisplayData === 'function' && mod.ZmqServer && mod.JupyterHandlerImpl) return mod;
  }
  return null;
}

/**
 * Opt-in magics in the stock tslab kernel: run `installMagics()` in the first cell (again after each
 * kernel restart); later cells may use %% and % magics. Returns true when the live kernel was patched
 * (or already was), false outside a tslab kernel.
 */
export function installMagics(): boolean {
  const jupyter = liveJupyterModule();
  if (!jupyter) return false;
  patchTslab(jupyter);
  return true;
}
