import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countParams, flopsPerToken, datasets } from '../../src/data';
import { ScalingLabError } from '../../src/errors';

// GPT-2 as released (Radford et al. 2019; the Hugging Face checkpoints): learned positions, tied
// embeddings, biases, LayerNorm, vocabulary 50257, context 1024. Their parameter counts are
// 124,439,808 / 354,823,168 / 774,030,080 / 1,557,611,200 (what model.parameters() sums to).
test('GPT-2 parameter counts, exactly', () => {
  const gpt2 = { vocab: 50257, sequenceLength: 1024, positions: 'learned', tiedEmbeddings: true, biases: true, norms: 'layernorm' } as const;
  const published: Array<[number, number, number]> = [[768, 12, 124_439_808], [1024, 24, 354_823_168], [1280, 36, 774_030_080], [1600, 48, 1_557_611_200]];
  for (const [width, depth, n] of published) assert.equal(countParams({ width, depth, ...gpt2 }).total, n, `GPT-2 ${width}x${depth}`);
  const small = countParams({ width: 768, depth: 12, ...gpt2 });
  // nanoGPT's count without the position table (its get_num_params default) is 123.653376M
  assert.equal(small.total - small.positionTable, 123_653_376);
  assert.equal(small.unembedding, 0);
  assert.match(small.summary(), /total 124\.44M/);
  assert.deepEqual(small.table().columns, ['part', 'count', 'share']);
  assert.equal(JSON.parse(JSON.stringify(small)).total, 124_439_808);
});

// Kaplan et al. 2020, Table 1: N = 2 d_model n_layer (2 d_attn + d_ff) (non-embedding, weights only),
// embedding (n_vocab + n_ctx) d_model, C_forward = 2N + 2 n_layer n_ctx d_attn, training C = 6N.
test('Kaplan et al. Table 1: N, embedding and forward FLOPs with the context term', () => {
  for (const [d, l, ff, dAttn, heads, ctx] of [[768, 12, 3072, 768, 12, 1024], [512, 6, 2048, 256, 4, 2048], [1024, 20, 2816, 1024, 16, 512]]) {
    const shape = { width: d, depth: l, ffnSize: ff, heads, headDim: dAttn / heads, vocab: 50257, sequenceLength: ctx, positions: 'learned' as const };
    const p = countParams(shape);
    const N = 2 * d * l * (2 * dAttn + ff);
    assert.equal(p.nonEmbedding, N, `N for ${d}x${l}`);
    assert.equal(p.embedding + p.positionTable, (50257 + ctx) * d);
    assert.equal(flopsPerToken(shape, { convention: 'kaplan-context' }).forward, 2 * N + 2 * l * ctx * dAttn);
    const six = flopsPerToken(shape);
    assert.equal(six.flopsPerToken, 6 * N);
    assert.equal(six.convention, 'kaplan');
    assert.equal(six.flops(1e9), 6 * N * 1e9);
  }
  // d_attn = d_ff / 4 = d_model gives the familiar N = 12 n_layer d_model^2
  assert.equal(countParams({ width: 4096, depth: 32 }).nonEmbedding, 12 * 32 * 4096 ** 2);
});

// Hoffmann et al. 2022, Table A9: (params, d_model, ffw_size, kv_size, n_heads, n_layers) of the 50 models,
// transcribed as in nanoGPT's scaling_laws.ipynb. Chinchilla uses relative positions (Transformer-XL) and
// counts one 32,000 x d_model vocabulary matrix; biases and LayerNorm included. Table A9 rounds to 1M.
const TABLE_A9: number[][] = [[44e6, 512, 2048, 64, 8, 8], [57e6, 576, 2304, 64, 9, 9], [74e6, 640, 2560, 64, 10, 10], [90e6, 640, 2560, 64, 10, 13], [106e6, 640, 2560, 64, 10, 16], [117e6, 768, 3072, 64, 12, 12], [140e6, 768, 3072, 64, 12, 15], [163e6, 768, 3072, 64, 12, 18], [175e6, 896, 3584, 64, 14, 14], [196e6, 896, 3584, 64, 14, 16], [217e6, 896, 3584, 64, 14, 18], [251e6, 1024, 4096, 64, 16, 16], [278e6, 1024, 4096, 64, 16, 18], [306e6, 1024, 4096, 64, 16, 20], [425e6, 1280, 5120, 128, 10, 18], [489e6, 1280, 5120, 128, 10, 21], [509e6, 1408, 5632, 128, 11, 18], [552e6, 1280, 5120, 128, 10, 24], [587e6, 1408, 5632, 128, 11, 21], [632e6, 1536, 6144, 128, 12, 19], [664e6, 1408, 5632, 128, 11, 24], [724e6, 1536, 6144, 128, 12, 22], [816e6, 1536, 6144, 128, 12, 25], [893e6, 1792, 7168, 128, 14, 20], [1018e6, 1792, 7168, 128, 14, 23], [1143e6, 1792, 7168, 128, 14, 26], [1266e6, 2048, 8192, 128, 16, 22], [1424e6, 2176, 8704, 128, 17, 22], [1429e6, 2048, 8192, 128, 16, 25], [1593e6, 2048, 8192, 128, 16, 28], [1609e6, 2176, 8704, 128, 17, 25], [1731e6, 2304, 9216, 128, 18, 24], [1794e6, 2176, 8704, 128, 17, 28], [2007e6, 2304, 9216, 128, 18, 28], [2283e6, 2304, 9216, 128, 18, 32], [2298e6, 2560, 10240, 128, 20, 26], [2639e6, 2560, 10240, 128, 20, 30], [2980e6, 2560, 10240, 128, 20, 34], [3530e6, 2688, 10752, 128, 22, 36], [3802e6, 2816, 11264, 128, 22, 36], [4084e6, 2944, 11776, 128, 22, 36], [4516e6, 3072, 12288, 128, 24, 36], [6796e6, 3584, 14336, 128, 28, 40], [9293e6, 4096, 16384, 128, 32, 42], [11452e6, 4352, 17408, 128, 32, 47], [12295e6, 4608, 18432, 128, 36, 44], [12569e6, 4608, 18432, 128, 32, 47], [13735e6, 4864, 19456, 128, 32, 47], [14940e6, 4992, 19968, 128, 32, 49], [16183e6, 5120, 20480, 128, 40, 47]];
const chinchillaShape = (d: number, ff: number, kv: number, h: number, l: number) =>
  ({ width: d, depth: l, ffnSize: ff, headDim: kv, heads: h, vocab: 32000, tiedEmbeddings: true, positions: 'relative' as const, biases: true, norms: 'layernorm' as const });

test('Chinchilla Table A9: the 50 parameter counts within the table rounding (+/-0.5M) and 0.2%', () => {
  for (const [n, d, ff, kv, h, l] of TABLE_A9) {
    const ours = countParams(chinchillaShape(d, ff, kv, h, l)).total;
    assert.ok(Math.abs(ours - n) <= 0.5e6 + 0.002 * n, `${n / 1e6}M (${d} x ${l}, ${h} heads x ${kv}): ours ${(ours / 1e6).toFixed(2)}M`);
  }
  // Chinchilla itself (Table 4): d_model 8192, 80 layers, 64 heads of 128, d_ff 4 x 8192, vocab 32000: "70B"
  const c70 = countParams(chinchillaShape(8192, 32768, 128, 64, 80));
  assert.ok(Math.abs(c70.total / 70e9 - 1) < 0.005, `Chinchilla 70B: ${c70.total}`);
});

// Hoffmann et al. 2022 Appendix F and Table A4: the ratio of their FLOP count to 6ND for six models is
// 1.03, 1.10, 1.08, 1.04, 1.03, 0.99 (two decimals). Appendix F lists embedding and logits terms, but the
// table is reproduced without them (the authors' count, per nanoGPT's scaling_laws.ipynb), so embeddings: false.
test('Chinchilla Appendix F: Table A4 ratios of the FLOP count to 6N', () => {
  const tableA4: Array<[number, number, number, number, number, number]> = [
    [10, 640, 2560, 10, 64, 1.03], [20, 1024, 4096, 16, 64, 1.10], [24, 1280, 5120, 10, 128, 1.08],
    [26, 1792, 7168, 14, 128, 1.04], [28, 2048, 8192, 16, 128, 1.03], [40, 3584, 14336, 28, 128, 0.99],
  ];
  for (const [l, d, ff, h, kv, ratio] of tableA4) {
    const shape = chinchillaShape(d, ff, kv, h, l);
    const f = flopsPerToken(shape, { convention: 'chinchilla', embeddings: false });
    const r = f.flopsPerToken / (6 * countParams(shape).total);
    assert.ok(Math.abs(r - ratio) <= 0.005 + 1e-9, `${d} x ${l}: ${r.toFixed(4)} vs Table A4 ${ratio}`);
    // Appendix F as printed adds the embedding and logits terms: 2 x 2 vocab d_model forward, x 3
    const withEmb = flopsPerToken(shape, { convention: 'chinchilla' });
    assert.equal(withEmb.flopsPerToken - f.flopsPerToken, 3 * 4 * 32000 * d);
    assert.ok(Math.abs(Object.values(withEmb.terms).reduce((a, b) => a + b, 0) - withEmb.flopsPerToken) < 1e-6);
  }
});

// Porian et al. 2024 count parameters and FLOPs three ways (their data.py): 'kaplan' N = non-embedding
// (SwiGLU, d_ff = 8w/3 rounded up to 256, vocab 50432), 'standard' = N + the last layer (vocab x width),
// 'attention' = standard + seq_len x width x depth (seq_len 2048). Their shipped isoFLOP points hold, per
// setting, the model sizes under that setting's count: every one is one of their 16 shapes.
test("Porian et al.'s three counts reproduce the model sizes in their published isoFLOP data", () => {
  const cols = datasets.porianRecipes({ as: 'columns' }) as unknown as Record<string, Array<string | number>>;
  const sizes = (recipe: string) => [...new Set(cols.params.filter((_, i) => cols.recipe[i] === recipe) as number[])].sort((a, b) => a - b);
  const shapes = [[96, 3], [128, 4], [160, 5], [224, 6], [288, 8], [320, 9], [384, 10], [480, 12], [576, 14], [640, 15], [704, 18], [832, 21], [1024, 23], [1120, 26], [1312, 26], [1504, 30]];
  const porian = (w: number, l: number) => ({ width: w, depth: l, vocab: 50432, gated: true, ffnMultipleOf: 256 });
  assert.deepEqual(shapes.map(([w, l]) => countParams(porian(w, l)).nonEmbedding), sizes('RefinedWeb|Reproducing Kaplan et al.'));
  assert.deepEqual(shapes.map(([w, l]) => flopsPerToken(porian(w, l), { convention: 'porian' }).flopsPerToken / 6), sizes('RefinedWeb|Counting last layer FLOPs'));
  assert.deepEqual(shapes.map(([w, l]) => flopsPerToken(porian(w, l), { convention: 'porian-attention' }).flopsPerToken / 6), sizes('RefinedWeb|Counting last layer and attention FLOPs'));
  const f = flopsPerToken(porian(1024, 23), { convention: 'porian-attention' });
  assert.deepEqual(Object.keys(f.terms), ['layers', 'outputLayer', 'attention']);
  assert.match(f.summary(), /porian-attention convention[\s\S]*ratio to Kaplan's 6N/);
});

test('grouped-query attention and gated feed-forward change the counts as their matrices say', () => {
  // LLaMA-2 7B: width 4096, 32 layers, SwiGLU d_ff 11008, vocab 32000 untied, RMSNorm: 6,738,415,616 parameters.
  assert.equal(countParams({ width: 4096, depth: 32, ffnSize: 11008, gated: true, vocab: 32000, norms: 'rmsnorm' }).total, 6_738_415_616);
  // 8 kv heads instead of 32 removes 2 x 4096 x (4096 - 1024) per layer
  const mha = countParams({ width: 4096, depth: 32, heads: 32 }), gqa = countParams({ width: 4096, depth: 32, heads: 32, kvHeads: 8 });
  assert.equal(mha.nonEmbedding - gqa.nonEmbedding, 32 * 2 * 4096 * 3072);
});

test('bad shapes and options are ScalingLabErrors that name the field and the fix', () => {
  const bad: Array<[() => unknown, RegExp]> = [
    [() => countParams({ width: 768 } as never), /shape\.depth must be a whole number >= 1/],
    [() => countParams({ width: 768.5, depth: 2 }), /shape\.width must be a whole number/],
    [() => countParams({ width: 768, depth: 12, heads: 7 }), /width 768 is not divisible by heads 7[\s\S]*give headDim/],
    [() => countParams({ width: 768, depth: 12, heads: 12, kvHeads: 5 }), /kvHeads \(5\) must divide heads \(12\)/],
    [() => countParams({ width: 768, depth: 12, ffnSize: 3072, ffnRatio: 4 }), /ffnSize or ffnRatio, not both/],
    [() => countParams({ width: 768, depth: 12, positions: 'rotary' as never }), /shape\.positions must be 'none', 'learned', 'relative'/],
    [() => countParams({ width: 768, depth: 12, layers: 3 } as never), /unknown option 'layers'/],
    [() => flopsPerToken({ width: 768, depth: 12 }, { convention: 'palm' as never }), /unknown convention "palm"[\s\S]*kaplan, kaplan-context, chinchilla/],
    [() => flopsPerToken({ width: 768, depth: 12 }, { convention: 'porian' }), /counts the output layer, so the shape needs vocab/],
    [() => flopsPerToken({ width: 768, depth: 12 }, { convention: 'kaplan', embeddings: false }), /embeddings applies to the 'chinchilla' convention only/],
    [() => flopsPerToken({ width: 768, depth: 12 }).flops(-1), /tokens must be a non-negative number/],
  ];
  for (const [fn, re] of bad) assert.throws(fn, (e: unknown) => e instanceof ScalingLabError && re.test(e.message), String(re));
});
