/**
 * The argument parser of the line magics: `[NAME =] TARGET --key value --key=value key=value --flag
 * --no-flag`, and the turning of option values into TypeScript. Pure string work, no registry.
 * Generated code never uses identifiers that start with `__` (tslab mangles them; docs/kernel.md).
 */
import { MagicError } from './registry';

const IDENT = /^[A-Za-z_$][\w$]*$/;
const NUM = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** True for a plain variable name such as `runs` or `mylaw`. */
export function isIdentifier(s: string): boolean {
  return IDENT.test(s);
}

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

/** The text inside a quoted token ("..." as JSON, '...' with backslash escapes dropped). */
export function unquote(s: string): string {
  const q = s[0];
  if (q === '"') return JSON.parse(s);
  return s.slice(1, -1).replace(/\\(.)/g, '$1');
}

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

export interface ParsedOption { key: string[]; raw: string | null }

export interface ParsedArgs {
  name: string | null;
  positional: string[];
  options: ParsedOption[];
}

/** A dotted, dashed option name (`exclude.highest-loss`) as a key path (`['exclude', 'highestLoss']`). */
function keyPath(k: string, usage: string): string[] {
  const path = k.split('.').map((p) => p.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()));
  if (path.some((p) => !IDENT.test(p) || p.startsWith('__'))) throw new MagicError(`bad option name '${k}'.`, `usage: ${usage}`);
  return path;
}

/** The leading `NAME =` (or `NAME=`) of a line magic, removed from `toks`. */
function resultName(toks: string[], usage: string): string | null {
  let name: string | null = null;
  if (toks.length >= 2 && toks[1] === '=') { name = toks[0]; toks.splice(0, 2); }
  else if (toks.length >= 1 && /^[A-Za-z_$][\w$]*=$/.test(toks[0]) && !toks[0].startsWith('--')) { name = toks[0].slice(0, -1); toks.splice(0, 1); }
  return name === null ? null : checkIdentifier(name, 'result name', usage);
}

/** `[NAME =] positional... [--key value | --key=value | key=value | --flag | --no-flag]...` */
export function parseArgs(args: string, usage: string): ParsedArgs {
  const toks = tokenize(args.trim());
  const name = resultName(toks, usage);
  const positional: string[] = [];
  const options: ParsedOption[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.startsWith('--')) {
      const body = t.slice(2);
      const eq = body.indexOf('=');
      if (eq > 0) { options.push({ key: keyPath(body.slice(0, eq), usage), raw: body.slice(eq + 1) }); continue; }
      const next = toks[i + 1];
      if (body.startsWith('no-') && (next === undefined || next.startsWith('--'))) { options.push({ key: keyPath(body.slice(3), usage), raw: 'false' }); continue; }
      if (next === undefined || (next.startsWith('--') && !NUM.test(next))) { options.push({ key: keyPath(body, usage), raw: 'true' }); continue; }
      options.push({ key: keyPath(body, usage), raw: next });
      i++;
      continue;
    }
    const m = /^([A-Za-z_$][\w$.-]*)=(.+)$/.exec(t);
    if (m && !/^["'`([{]/.test(t)) { options.push({ key: keyPath(m[1], usage), raw: m[2] }); continue; }
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

/** A positional argument that must be a TypeScript expression (a variable, call, bracketed or quoted value). */
export function expression(raw: string, what: string, usage: string): string {
  if (!raw) throw new MagicError(`missing ${what}.`, `usage: ${usage}`);
  if (/^__/.test(raw)) throw new MagicError(`${what} '${raw}' starts with '__', which tslab cannot handle.`);
  // a variable, a member access or call (datasets.chinchilla()), or a bracketed/quoted TypeScript expression
  if (/^[A-Za-z_$([{"'`]/.test(raw) && !/^[A-Za-z_$][\w$]*=/.test(raw)) return raw;
  throw new MagicError(`${what} '${raw}' is not a variable or expression.`, `usage: ${usage}`);
}
