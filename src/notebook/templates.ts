import type { DataFrame } from '../data';
import { toDataFrame, parseCSV, type Columns } from '../data';
import { ScalingLabError, describeValue } from '../errors';

/**
 * Tagged templates: the canonical, plain-TypeScript form of the `%%csv` and `%%law` cell magics.
 * They work in any kernel, script or test. `${}` interpolation is allowed (String.raw semantics).
 *
 *   const runs = csv`d_model,n_layers,tokens,loss
 *   512,8,1e9,3.1
 *   ...`;
 *   const mylaw = law`E + A / N^alpha + B / D^beta`;
 */

function templateText(fn: string, strings: TemplateStringsArray | string, values: unknown[]): string {
  if (typeof strings === 'string') return strings;
  if (!Array.isArray((strings as { raw?: unknown } | null)?.raw)) {
    throw new ScalingLabError('bad-value', `${fn}: expects a tagged template or a string, got ${describeValue(strings)}.`, `write ${fn}\`...\` or ${fn}('...text...').`);
  }
  return String.raw({ raw: strings.raw }, ...values);
}

/** CSV text to columns: blank lines and '#' comment lines dropped, then the package's CSV reader. */
export function csvColumns(text: string): Columns {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  if (!lines.length) throw new ScalingLabError('bad-value', 'csv: no header row (the CSV text is empty).', 'put the column names on the first line, e.g. d_model,n_layers,tokens,loss');
  if (lines.length === 1) {
    throw new ScalingLabError('bad-value', `csv: only a header row (${lines[0]}), no data rows.`, 'add one line per run below the header, e.g. 512,8,2e9,3.21');
  }
  return parseCSV(lines.join('\n'), 'csv`...`');
}

/** `csv\`...\`` (or `csv(text)`): CSV text to a danfo DataFrame (numeric columns become numbers). */
export function csv(strings: TemplateStringsArray | string, ...values: unknown[]): DataFrame {
  return toDataFrame(csvColumns(templateText('csv', strings, values)));
}

/**
 * `law\`...\`` (or `law(text)`): a law expression for fitLaw, as a string. Lines are joined, `#`
 * comments dropped, and a leading `L =` / `loss =` removed, so a multi-line cell reads naturally.
 */
export function law(strings: TemplateStringsArray | string, ...values: unknown[]): string {
  const text = templateText('law', strings, values)
    .split(/\r?\n/).map((l) => l.replace(/#.*$/, '').trim()).filter(Boolean).join(' ')
    .replace(/^\s*(L|loss)\s*=(?!=)\s*/, '').trim();
  if (!text) throw new ScalingLabError('bad-value', 'law: the expression is empty.', "write e.g. law`E + A / N^alpha + B / D^beta`");
  return text;
}
