/**
 * The cell rewriter: a cell that uses magics becomes TypeScript calling the scalinglab API, before
 * tslab compiles it (docs/kernel.md). Pure apart from reading the registry.
 */
import { MagicError, magicFor, type MagicContext } from './registry';

const CELL_MAGIC = /^%%([A-Za-z][\w-]*)(.*)$/;
const LINE_MAGIC = /^%([A-Za-z][\w-]*)(.*)$/;

/** Collects the API names a cell's magics use, for one import line (aliases never start with `__`). */
function importCollector(): { ctx: MagicContext; header(): string } {
  const imports = new Map<string, string>();
  return {
    ctx: {
      use(name: string) {
        const alias = `scalinglab_${name}`;
        imports.set(name, alias);
        return alias;
      },
    },
    header() {
      if (!imports.size) return '';
      const names = [...imports].map(([n, a]) => `${n} as ${a}`).join(', ');
      return `import { ${names} } from 'scalinglab'; `; // same line as the cell's first line: line numbers stay
    },
  };
}

/**
 * Rewrites a cell that uses magics into TypeScript calling the scalinglab API; returns null when the
 * cell has no magic (it then runs unchanged). Throws MagicError for an unknown magic or bad arguments.
 */
export function rewriteCell(code: string): string | null {
  if (typeof code !== 'string' || !code.includes('%')) return null;
  const lines = code.split(/\r?\n/);
  const { ctx, header } = importCollector();

  const first = lines.findIndex((l) => l.trim() !== '');
  const cell = first >= 0 ? CELL_MAGIC.exec(lines[first].trim()) : null;
  if (cell) {
    const out = magicFor('cell', cell[1]).compile(cell[2], lines.slice(first + 1).join('\n'), ctx);
    return header() + out;
  }

  let changed = false;
  const out = lines.map((line) => {
    const t = line.trim();
    if (t.startsWith('%%')) throw new MagicError(`cell magic ${t.split(/\s/)[0]} must be on the first line of the cell.`, 'move it to a cell of its own, on the first line (the rest of the cell is its body).');
    const m = LINE_MAGIC.exec(t);
    if (!m || line.search(/\S/) !== 0) return line;
    changed = true;
    return magicFor('line', m[1]).compile(m[2], '', ctx);
  });
  if (!changed) return null;
  return header() + out.join('\n');
}
