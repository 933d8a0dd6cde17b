/**
 * The built-in magics: each compiles to the ordinary scalinglab call it stands for (README, "Cell
 * magics"). Nothing here runs on import; registerBuiltinMagics() adds them to the registry.
 */
import { checkIdentifier, expression, isIdentifier, optionsToCode, parseArgs, tokenize, unquote, valueToCode, type ParsedArgs, type ParsedOption } from './args';
import { MagicError, hasMagic, helpText, listMagics, magicLabel, registerMagic, type MagicContext, type MagicSpec } from './registry';
import { COMPARE, FIT_LAW, FIT_UNIVERSAL, FRONTIER, SHOW, checkMagicOptions, sweepOptions, toyOptions, type OptionNames } from './options';
import { toyNames, type ToyName } from '../../toys/registry';
import { LAWS } from '../../laws/builtin';

export const TOYS: readonly string[] = toyNames;
export const BUILTIN_LAWS: readonly string[] = Object.keys(LAWS);

/** %fit's own options, besides those of fitUniversal / fitLaw. */
const FIT_OWN = ['law', 'huber', 'lsq', 'progress'];

const FIT_USAGE = '%fit NAME = DATA [--law universal|chinchilla|kaplan|LAWVAR] [--OPTION VALUE ...]';
const FRONTIER_USAGE = '%frontier NAME = FIT [--budgets 1e20,1e22,1e24] [--OPTION VALUE ...]';
const TOY_USAGE = `%toy NAME = ${TOYS.join('|')} [--seed 0] [--OPTION VALUE ...] [--no-progress]`;
const SWEEP_USAGE = `%sweep NAME = ${TOYS.join('|')} --vary.OPTION v1,v2,... [--vary.OPTION ...] [--workers N] [--OPTION VALUE ...] [--no-progress]`;
const COMPARE_USAGE = '%compare NAME = DATA --recipe COLUMN [--budgets 1e19,1e21] [--OPTION VALUE ...]';
const SHOW_USAGE = '%show VALUE [--chart residuals]';

/** One line per magic line, so tslab's diagnostics keep the cell's line numbers. */
function resultLines(name: string, call: string, ctx: MagicContext): string {
  return `const ${name} = ${call}; ${ctx.use('show')}(${name});`;
}

/** A tagged template when the body survives String.raw unchanged, else a call with a string. */
function templateCall(fn: string, body: string): string {
  if (!/[`\\]|\$\{/.test(body)) return `${fn}\`${body}\``;
  return `${fn}(${JSON.stringify(body)})`;
}

/** The one positional argument of a line magic, or a MagicError naming what is missing or extra. */
function single(p: ParsedArgs, magic: string, one: string, missing: string, usage: string): string {
  if (p.positional.length === 1) return p.positional[0];
  throw new MagicError(p.positional.length ? `${magic} takes one ${one}, got ${p.positional.join(' ')}.` : `${magic} ${missing}`, `usage: ${usage}`);
}

/** The single name of a cell magic (`%%csv runs`). */
function cellName(args: string, magic: string, what: string, usage: string): string {
  const toks = tokenize(args);
  if (toks.length !== 1) throw new MagicError(toks.length ? `${magic} takes one name, got '${args.trim()}'.` : `${magic} needs a name for the ${what}.`, `usage: ${usage}`);
  return checkIdentifier(toks[0], `${what} name`, usage);
}

function isNoProgress(o: ParsedOption): boolean {
  return o.key.join('.') === 'progress' && o.raw === 'false';
}

/** %fit's options: --law picks the law, --huber / --lsq set the objective, the rest pass through. */
function fitOptions(opts: ParsedOption[]): { law: string | null; code: string } {
  let lawCode: string | null = null;
  const out: Array<{ key: string[]; code: string }> = [];
  for (const o of opts) {
    const k = o.key.join('.');
    if (k === 'law') {
      const raw = o.raw ?? '';
      lawCode = BUILTIN_LAWS.includes(raw) ? JSON.stringify(raw) : isIdentifier(raw) ? raw : valueToCode(raw);
      continue;
    }
    if (k === 'huber') { out.push({ key: ['objective'], code: `{ huber: ${valueToCode(o.raw ?? 'true')} }` }); continue; }
    if (k === 'lsq') { out.push({ key: ['objective'], code: JSON.stringify('lsq') }); continue; }
    if (k === 'progress') continue;
    out.push({ key: o.key, code: valueToCode(o.raw ?? 'true') });
  }
  return { law: lawCode, code: optionsToCode(out) };
}

/** Adds `onProgress: progressBar()` (bootstrap progress) unless onProgress is given. */
function withProgress(code: string, ctx: MagicContext, opts: ParsedOption[]): string {
  if (opts.some((o) => o.key[0] === 'onProgress')) return code ? `, ${code}` : '';
  const bar = `onProgress: ${ctx.use('progressBar')}()`;
  return code ? `, ${code.slice(0, -2)}, ${bar} }` : `, { ${bar} }`;
}

function plainOptions(opts: ParsedOption[]): string {
  return optionsToCode(opts.map((o) => ({ key: o.key, code: valueToCode(o.raw ?? 'true') })));
}

const csvMagic: MagicSpec = {
  name: 'csv', kind: 'cell', usage: '%%csv NAME  (then CSV lines: a header row and data rows)',
  help: 'The cell body is CSV; defines NAME as a danfo DataFrame (same as NAME = csv`...`).',
  examples: ['%%csv runs\nd_model,n_layers,tokens,loss\n512,8,2e9,3.21\n1024,16,8e9,2.85'],
  compile(args, body, ctx) {
    const name = cellName(args, '%%csv', 'table', this.usage);
    if (!body.trim()) throw new MagicError(`%%csv ${name}: the cell has no CSV lines below the magic.`, 'add a header row and data rows.');
    return resultLines(name, templateCall(ctx.use('csv'), body), ctx);
  },
};

const lawMagic: MagicSpec = {
  name: 'law', kind: 'cell', usage: '%%law NAME  (then the law expression, e.g. E + A / N^alpha + B / D^beta)',
  help: 'The cell body is a law expression (mathjs syntax); defines NAME for %fit --law NAME or fitLaw(data, NAME).',
  examples: ['%%law mylaw\nE + A / N^alpha + B / D^beta'],
  compile(args, body, ctx) {
    const name = cellName(args, '%%law', 'law', this.usage);
    if (!body.trim()) throw new MagicError(`%%law ${name}: the cell has no expression below the magic.`, 'e.g. E + A / N^alpha + B / D^beta');
    return `const ${name} = ${templateCall(ctx.use('law'), body)};\n${name}`;
  },
};

const fitMagic: MagicSpec = {
  name: 'fit', kind: 'line', usage: FIT_USAGE,
  help: 'Fits a law to runs: fitUniversal(DATA, options) by default, fitLaw(DATA, LAW, options) with --law.',
  examples: ['%fit u = runs', '%fit u = runs --exclude.highestLoss 40 --bootstrap 200 --seed 0', '%fit c = runs --law chinchilla --huber 1e-3', '%fit m = runs --law mylaw'],
  compile(args, _body, ctx) {
    const p = parseArgs(args, this.usage);
    const data = expression(single(p, '%fit', 'data set', 'needs the data to fit.', this.usage), 'data', this.usage);
    const { law, code } = fitOptions(p.options);
    const universal = law === null || law === '"universal"';
    checkMagicOptions('%fit', p.options, universal ? FIT_UNIVERSAL : FIT_LAW, FIT_OWN);
    const fn = universal ? ctx.use('fitUniversal') : ctx.use('fitLaw');
    const options = p.options.some(isNoProgress) ? (code ? `, ${code}` : '') : withProgress(code, ctx, p.options);
    return resultLines(p.name ?? 'fit', universal ? `${fn}(${data}${options})` : `${fn}(${data}, ${law}${options})`, ctx);
  },
};

/** What a `%name NAME = TARGET [--OPTION VALUE ...]` magic compiles to: `const NAME = api(TARGET, { ... }); show(NAME);`. */
interface CallMagic {
  name: string; usage: string; help: string; examples: string[];
  /** The API function called. */
  api: string;
  /** The target in messages: `%frontier takes one ${one}`, and `missing ${what}` for an empty one. */
  one: string; what: string;
  /** The end of `%frontier needs ...` when the target is missing. */
  missing: string;
  /** The result's name when the magic gives none. */
  defaultName: string;
  /** The options the API function takes (a typo is a MagicError naming it). */
  options: OptionNames;
}

function callMagic(m: CallMagic): MagicSpec {
  return {
    name: m.name, kind: 'line', usage: m.usage, help: m.help, examples: m.examples,
    compile(args, _body, ctx) {
      const p = parseArgs(args, this.usage);
      const target = expression(single(p, `%${m.name}`, m.one, m.missing, this.usage), m.what, this.usage);
      checkMagicOptions(`%${m.name}`, p.options, m.options);
      const code = plainOptions(p.options);
      return resultLines(p.name ?? m.defaultName, `${ctx.use(m.api)}(${target}${code ? `, ${code}` : ''})`, ctx);
    },
  };
}

const frontierMagic = callMagic({
  name: 'frontier', usage: FRONTIER_USAGE,
  help: 'Optimal shape and compute-optimal frontier from a fit: frontier(FIT, options).',
  examples: ['%frontier f = u --budgets 1e20,1e22,1e24'],
  api: 'frontier', one: 'fit', what: 'fit', missing: 'needs a fit.', defaultName: 'front', options: FRONTIER,
});

/** The toy a %toy or %sweep line names (bare or quoted), or a MagicError listing the toys. */
function toyTarget(p: ParsedArgs, magic: string, usage: string): string {
  const raw = single(p, magic, 'toy name', `needs a toy name: ${TOYS.join(', ')}.`, usage);
  const toy = /^["']/.test(raw) ? unquote(raw) : raw;
  if (!TOYS.includes(toy)) throw new MagicError(`unknown toy '${toy}'.`, `known toys: ${TOYS.join(', ')}.`);
  return toy;
}

/** What a `%toy`-like magic needs besides its name and help: the API it calls and how its options compile. */
interface ToyMagic {
  name: string; usage: string; help: string; examples: string[];
  /** runToy or sweepToy. */
  api: string;
  /** One option's TypeScript. */
  valueOf(o: ParsedOption, usage: string): string;
  /** Extra checks of the parsed line (throw a MagicError). */
  check?(p: ParsedArgs, usage: string): void;
  /** The options the API takes for this toy (a typo is a MagicError naming it). */
  options(toy: ToyName): OptionNames;
}

/** `const NAME = await API("toy", { options, onProgress: progressBar() }); show(NAME);`, the bar unless --no-progress. */
function toyMagicOf(m: ToyMagic): MagicSpec {
  return {
    name: m.name, kind: 'line', usage: m.usage, help: m.help, examples: m.examples,
    compile(args, _body, ctx) {
      const p = parseArgs(args, this.usage);
      const toy = toyTarget(p, `%${m.name}`, this.usage);
      m.check?.(p, this.usage);
      checkMagicOptions(`%${m.name}`, p.options, m.options(toy as ToyName), ['progress']);
      const opts = p.options.filter((o) => o.key.join('.') !== 'progress').map((o) => ({ key: o.key, code: m.valueOf(o, this.usage) }));
      if (!p.options.some(isNoProgress)) opts.push({ key: ['onProgress'], code: `${ctx.use('progressBar')}()` });
      // the running cell's signal: a kernel interrupt stops the training (cellSignals.ts)
      if (!p.options.some((o) => o.key[0] === 'signal')) opts.push({ key: ['signal'], code: `${ctx.use('cellSignal')}()` });
      const code = optionsToCode(opts);
      return resultLines(p.name ?? m.name, `await ${ctx.use(m.api)}(${JSON.stringify(toy)}${code ? `, ${code}` : ''})`, ctx);
    },
  };
}

const toyMagic = toyMagicOf({
  name: 'toy', usage: TOY_USAGE,
  help: 'Trains a toy model (with a progress bar; Kernel → Interrupt stops it) and shows its curves and fitted exponent: await runToy(NAME, options).',
  examples: ['%toy t = softmax-time --seed 0', '%toy w = superposition-width --steps 1000 --no-progress'],
  api: 'runToy',
  options: toyOptions,
  valueOf: (o) => valueToCode(o.raw ?? 'true'),
});

/** A --vary.OPTION value as a list: `0.02,0.04` and `[..]` / `(expr)` as they are, a single value wrapped in [ ]. */
function varyList(o: ParsedOption, usage: string): string {
  if (o.raw === null || o.raw === 'true') throw new MagicError(`--${o.key.join('.')} needs a list of values, e.g. --${o.key.join('.')} 0.02,0.04,0.08.`, `usage: ${usage}`);
  const code = valueToCode(o.raw);
  return /^[[(]/.test(code) ? code : `[${code}]`;
}

const sweepMagic = toyMagicOf({
  name: 'sweep', usage: SWEEP_USAGE,
  help: 'Trains a toy over a grid of options on all cores and shows the exponent per configuration and the verdict: await sweepToy(NAME, { vary, ... }).',
  examples: ['%sweep s = softmax-time --vary.lr 0.02,0.04,0.08 --vary.temperature 1e-3,3e-3', '%sweep w = superposition-width --vary.alpha 1.2,1.5 --steps 1000 --workers 2'],
  api: 'sweepToy',
  options: sweepOptions,
  valueOf: (o, usage) => (o.key[0] === 'vary' ? varyList(o, usage) : valueToCode(o.raw ?? 'true')),
  check(p, usage) {
    if (!p.options.some((o) => o.key[0] === 'vary' && o.key.length === 2)) {
      throw new MagicError('%sweep needs at least one factor to vary: --vary.OPTION v1,v2,...', `usage: ${usage}`);
    }
  },
});

const compareMagic = callMagic({
  name: 'compare', usage: COMPARE_USAGE,
  help: 'Compares training recipes by their coefficients (shared exponents): compareRecipes(DATA, options).',
  examples: ['%compare r = runs --recipe setting --budgets 1e19,1e21'],
  api: 'compareRecipes', one: 'data set', what: 'data', missing: 'needs the data.', defaultName: 'comparison', options: COMPARE,
});

const showMagic: MagicSpec = {
  name: 'show', kind: 'line', usage: SHOW_USAGE,
  help: 'Shows a value with its chart, table and summary: show(VALUE, options).',
  examples: ['%show u --chart residuals'],
  compile(args, _body, ctx) {
    const p = parseArgs(args, this.usage);
    if (p.name || p.positional.length !== 1) throw new MagicError('%show takes one value.', `usage: ${this.usage}`);
    checkMagicOptions('%show', p.options, SHOW);
    const code = plainOptions(p.options);
    return `${ctx.use('show')}(${expression(p.positional[0], 'value', this.usage)}${code ? `, ${code}` : ''});`;
  },
};

const helpMagic: MagicSpec = {
  name: 'help', kind: 'line', usage: '%help [MAGIC]',
  help: 'Lists the magics with examples.',
  examples: ['%help', '%help fit'],
  compile(args) {
    const which = args.trim().replace(/^%+/, '');
    if (which && !listMagics().some((m) => m.name === which)) {
      throw new MagicError(`%help: no magic named '${which}'.`, `known: ${listMagics().map((m) => magicLabel(m.kind, m.name)).join(', ')}.`);
    }
    return `console.log(${JSON.stringify(helpText(which || undefined))});`;
  },
};

/** The built-in magics, in the order %help lists them. */
export const BUILTIN_MAGICS: readonly MagicSpec[] = [csvMagic, lawMagic, fitMagic, frontierMagic, toyMagic, sweepMagic, compareMagic, showMagic, helpMagic];

/** Registers the built-in magics; a magic of the same name registered before (by a package) is kept. */
export function registerBuiltinMagics(): void {
  for (const spec of BUILTIN_MAGICS) if (!hasMagic(spec.kind, spec.name)) registerMagic(spec);
}
