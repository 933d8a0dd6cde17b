// datasets.*, the csv`...` and law`...` templates, parseCSV: options, malformed CSV text, prototype names.
import { datasets, parseCSV } from '../../../src/data';
import { csv, law } from '../../../src/notebook/templates';
import { fitLaw } from '../../../src/fit';
import { bad, good, must, type Case } from '../case';

const D = 'datasets';
const columnsOf = (t: { columns: string[] }) => t.columns;

export const cases: Case[] = [
  bad(`${D}.chinchilla`, 'unknown-option', () => datasets.chinchilla({ ass: 'columns' } as never), 'unknown-option', /ass/),
  bad(`${D}.chinchilla`, 'as-typo-value', () => datasets.chinchilla({ as: 'column' } as never), 'bad-option', /as must be/),
  bad(`${D}.chinchilla`, 'options-number', () => datasets.chinchilla(3 as never), 'bad-option', /options/),
  bad(`${D}.porianRecipes`, 'table-typo', () => datasets.porianRecipes({ table: 'optimum' } as never), 'bad-option', /table/),
  bad(`${D}.gpt2`, 'proto-option', () => datasets.gpt2(JSON.parse('{"__proto__": {"as": "columns"}, "constructor": "x"}')), 'unknown-option', /__proto__|constructor/),
  good(`${D}.chinchilla`, 'columns-form', () => datasets.chinchilla({ as: 'columns' }), (c) => must(c.loss.length === 245, `245 rows, got ${c.loss?.length}`)),
  good(`${D}.epochChinchilla`, 'loads', () => datasets.epochChinchilla(), (t) => must(t.shape[0] > 200, `rows ${t.shape[0]}`)),
  good(`${D}.gadreWidthDepth`, 'loads', () => datasets.gadreWidthDepth({ as: 'columns' }), (c) => must(Object.keys(c).length > 2, 'columns')),
  good(`${D}.optTrajectories`, 'loads', () => datasets.optTrajectories({ as: 'columns' }), (c) => must(Object.keys(c).length > 2, 'columns')),
  // csv`...`
  bad('csv', 'empty-text', () => csv``, 'bad-value', /empty/),
  bad('csv', 'header-only', () => csv`width,depth,tokens,loss`, 'bad-value', /header/),
  bad('csv', 'ragged-line', () => csv`width,depth,tokens,loss
512,8,1e9,3.1
1024,8,1e9`, 'bad-csv', /line 3/),
  bad('csv', 'semicolons', () => csv`width;depth;tokens;loss
512;8;1e9;3.1
1024;8;1e9;3.0`, 'bad-csv', /separator/),
  bad('csv', 'no-header', () => csv`512,8,1e9,3.1
1024,8,1e9,3.0`, 'bad-csv', /header/),
  bad('csv', 'duplicate-header', () => csv`width,width,tokens,loss
512,8,1e9,3.1`, 'bad-csv', /width/),
  bad('csv', 'not-a-string', () => csv(42 as never), 'bad-value', /csv/),
  bad('csv', 'unclosed-quote', () => csv`name,loss
"abc,3.1
def,3.0`, 'bad-csv', /quote/),
  good('csv', 'proto-header', () => csv`__proto__,constructor,loss
1,2,3.1
4,5,3.0`, (t) => must(columnsOf(t).join() === '__proto__,constructor,loss', `columns ${columnsOf(t).join()}`)),
  good('csv', 'comments-and-blank-lines', () => csv`# my runs
width,depth,tokens,loss

512,8,1e9,3.1
1024,8,1e9,3.0`, (t) => must(t.shape[0] === 2, `2 rows, got ${t.shape[0]}`)),
  good('csv', 'nan-cell-kept-as-nan-and-refused-by-fit', () => {
    try { fitLaw(csv`N,D,loss
1e8,1e9,NaN
2e8,1e9,3.0
4e8,1e9,2.9
8e8,1e9,2.8
1e9,2e9,2.7`, 'chinchilla'); } catch (e) { return e; }
    return 'fitted';
  }, (e) => must((e as { code?: string }).code === 'bad-value' && /row 0/.test((e as Error).message), `bad-value naming row 0, got ${String(e)}`)),
  // law`...`
  bad('law', 'empty-text', () => law``, 'bad-value', /empty/),
  bad('law', 'only-comment', () => law`# nothing here`, 'bad-value', /empty/),
  good('law', 'multi-line', () => law`L = E
    + A / N^alpha   # params
    + B / D^beta`, (s) => must(s === 'E + A / N^alpha + B / D^beta', `got ${s}`)),
  bad('law', 'not-a-string', () => law(null as never), 'bad-value', /law/),
  // parseCSV directly
  bad('parseCSV', 'empty-text', () => parseCSV(''), 'empty-data', /empty/),
  bad('parseCSV', 'binary-garbage', () => parseCSV('\u0000\u0001\u0002'), 'empty-data', /no data rows/),
  bad('parseCSV', 'header-only', () => parseCSV('width,depth,tokens,loss\n'), 'empty-data', /no data rows/),
  good('parseCSV', 'crlf-and-quotes', () => parseCSV('name,loss\r\n"a,b",3.1\r\nc,3.0\r\n'), (c) => must(c.name[0] === 'a,b' && c.loss[1] === 3, JSON.stringify(c))),
];
