/**
 * The magic registry: what `%name` and `%%name` mean. It lives on globalThis under a versioned symbol,
 * so a package imported in a cell can add its own magics to the kernel's one registry. It starts
 * empty: the built-in magics are registered explicitly (registerBuiltinMagics, called by
 * installMagics and by the scalinglab kernel launcher), never as a side effect of an import.
 */
import { ScalingLabError } from '../../errors';

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

/** True when a magic of that kind and name is registered. */
export function hasMagic(kind: MagicSpec['kind'], name: string): boolean {
  return registry().has(`${kind}:${name}`);
}

export function listMagics(): MagicSpec[] {
  return [...registry().values()];
}

/** How a magic is written in a cell: `%%csv`, `%fit`. */
export function magicLabel(kind: MagicSpec['kind'], name: string): string {
  return `${kind === 'cell' ? '%%' : '%'}${name}`;
}

/** The registered magic, or a MagicError that says what is known (or how to register the built-ins). */
export function magicFor(kind: MagicSpec['kind'], name: string): MagicSpec {
  const spec = registry().get(`${kind}:${name}`);
  if (spec) return spec;
  const otherKind = kind === 'line' ? 'cell' : 'line';
  const other = registry().get(`${otherKind}:${name}`);
  if (other) throw new MagicError(`${magicLabel(kind, name)} is a ${other.kind} magic: write ${magicLabel(other.kind, name)}.`, `usage: ${other.usage}`);
  const known = listMagics().map((m) => magicLabel(m.kind, m.name)).join(', ');
  if (!known) {
    throw new MagicError(`unknown magic ${magicLabel(kind, name)}: no magics are registered in this process.`,
      "run `import { installMagics } from 'scalinglab'; installMagics()` in the kernel (the scalinglab kernel does it at start), or registerBuiltinMagics() outside one.");
  }
  throw new MagicError(`unknown magic ${magicLabel(kind, name)}.`, `known magics: ${known}; %help lists them with examples.`);
}

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
    lines.push(`${magicLabel(m.kind, m.name)}: ${m.help}`);
    lines.push(`    usage: ${m.usage}`);
    for (const ex of m.examples) lines.push(`    e.g.   ${ex.replace(/\n/g, '\n           ')}`);
  }
  return lines.join('\n');
}
