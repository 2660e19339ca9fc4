/**
 * A BERT encoder as an ONNX graph (opset 17), written with our ONNX writer: the computation of
 * Hugging Face's `BertModel` (Devlin et al. 2019; transformers' modeling_bert.py), exported the way
 * its ONNX export lays it out: word + position + token-type embeddings, LayerNorm, then per layer
 * multi-head self-attention with an additive mask, residual + LayerNorm, a GELU (erf) feed-forward
 * block, residual + LayerNorm. Output `last_hidden_state` [batch, sequence, hidden].
 *
 * Weights are random from a seed (N(0, std²), std 0.02 as BERT initialises them; LayerNorm scales near 1):
 * the compute per token equals a trained model's of the same shape, the vectors mean nothing.
 * Linear weights are stored as [in, out] (what MatMul takes), named after BertModel's parameters.
 *
 * `weights: 'q8'` writes the same weights quantised the way onnxruntime's `quantize_dynamic` does
 * (onnxruntime/python/tools/quantization, weight type QInt8, per_channel): every weight MatMul becomes
 * DynamicQuantizeLinear(x) → MatMulInteger(x_q, W_q, x_zero_point, W_zero_point) → Cast(float) →
 * Mul(x_scale · W_scale), then the bias Add; W is int8, symmetric (zero point 0), one scale per output
 * column. The embedding tables read by Gather are int8 per tensor, dequantised after the Gather.
 * Activations are quantised per tensor at run time, over the whole batch: that is why a text's q8
 * vector depends slightly on the rest of its batch. This is the file transformers.js loads for
 * dtype q8 (onnx/model_quantized.onnx).
 */
import { gaussian, seededRandom } from '../src/shared/random.js';
import { floatTensor, int64Tensor, int8Tensor, Message, model, node, ONNX_FLOAT, ONNX_INT64, tensorInfo } from './onnx-writer.js';

export interface BertShape {
  readonly vocabSize: number;
  readonly hidden: number;
  readonly layers: number;
  readonly heads: number;
  readonly intermediate: number;
  readonly maxPositions: number;
  readonly typeVocabSize: number;
  readonly layerNormEps: number;
}

/** Added to attention scores at padded keys, as transformers does (the float32 minimum). */
const MASK_BIAS = -3.4028234663852886e38;

/** fp32: the weights as drawn; q8: the same weights in int8 (dynamic quantisation, see above). */
export type BertWeights = 'fp32' | 'q8';

/**
 * Builds the graph; `seed` fixes every weight, `std` is the weights' spread (BERT's 0.02 by default;
 * the small test model uses more, so attention and padding visibly change its vectors). The same seed
 * gives the same weights for fp32 and q8 (q8 then rounds them). Returns the serialised ModelProto.
 */
export function bertEncoderOnnx(shape: BertShape, init: { seed: number; std?: number; weights?: BertWeights }): Uint8Array {
  if (shape.hidden % shape.heads !== 0) throw new RangeError(`hidden ${shape.hidden} is not a multiple of heads ${shape.heads}`);
  const g = new GraphBuilder(seededRandom(init.seed), init.std ?? 0.02, init.weights === 'q8');
  const x = embeddings(g, shape);
  const bias = attentionBias(g);
  let h = x;
  for (let l = 0; l < shape.layers; l++) h = encoderLayer(g, shape, { input: h, bias, prefix: `encoder.layer.${l}` });
  g.nodes.push(node('Identity', [h], ['last_hidden_state']));
  return model(g.graph(shape.hidden), 17, 'semroute-make-bench-model');
}

class GraphBuilder {
  readonly nodes: Message[] = [];
  readonly initializers: Message[] = [];
  private counter = 0;
  /** Each activation is quantised once, however many MatMuls read it (q, k and v share their input). */
  private readonly quantizedActivations = new Map<string, { q: string; scale: string; zeroPoint: string }>();
  constructor(
    private readonly rand: () => number,
    readonly std: number,
    readonly q8: boolean,
  ) {}

  /** A fresh intermediate name. */
  name(hint: string): string {
    return `${hint}_${this.counter++}`;
  }

  /** Adds one node with a fresh output and returns the output's name. */
  op(opType: string, inputs: readonly string[], attributes: Parameters<typeof node>[3] = {}): string {
    const out = this.name(opType.toLowerCase());
    this.nodes.push(node(opType, inputs, [out], attributes));
    return out;
  }

  /** Adds one node with `count` fresh outputs and returns their names. */
  ops(opType: string, inputs: readonly string[], count: number): string[] {
    const outs = Array.from({ length: count }, () => this.name(opType.toLowerCase()));
    this.nodes.push(node(opType, inputs, outs));
    return outs;
  }

  /** Values drawn from N(mean, std²), not yet stored. */
  draw(dims: readonly number[], std: number, mean = 0): Float32Array {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = mean + std * gaussian(this.rand);
    return data;
  }

  /** A weight drawn from N(mean, std²). */
  random(name: string, dims: readonly number[], std: number, mean = 0): string {
    this.initializers.push(floatTensor(name, dims, this.draw(dims, std, mean)));
    return name;
  }

  /** DynamicQuantizeLinear of an activation: uint8 values, scale and zero point over the whole tensor. */
  quantizeActivation(input: string): { q: string; scale: string; zeroPoint: string } {
    const known = this.quantizedActivations.get(input);
    if (known) return known;
    const [q = '', scale = '', zeroPoint = ''] = this.ops('DynamicQuantizeLinear', [input], 3);
    const out = { q, scale, zeroPoint };
    this.quantizedActivations.set(input, out);
    return out;
  }

  floats(name: string, dims: readonly number[], values: readonly number[]): string {
    this.initializers.push(floatTensor(name, dims, Float32Array.from(values)));
    return name;
  }

  ints(name: string, values: readonly number[]): string {
    this.initializers.push(int64Tensor(name, [values.length], values));
    return name;
  }

  graph(hidden: number): Message {
    const g = new Message();
    for (const n of this.nodes) g.message(1, n);
    g.string(2, 'bert-encoder');
    for (const t of this.initializers) g.message(5, t);
    for (const input of ['input_ids', 'attention_mask', 'token_type_ids']) g.message(11, tensorInfo(input, ONNX_INT64, ['batch', 'sequence']));
    g.message(12, tensorInfo('last_hidden_state', ONNX_FLOAT, ['batch', 'sequence', hidden]));
    return g;
  }
}

/** Linear layer y = x·W + b, W [in, out]; with q8, W is int8 per column and x is quantised at run time. */
function linear(g: GraphBuilder, input: string, prefix: string, dims: { in: number; out: number }): string {
  if (!g.q8) {
    const w = g.random(`${prefix}.weight`, [dims.in, dims.out], g.std);
    const b = g.random(`${prefix}.bias`, [dims.out], g.std);
    return g.op('Add', [g.op('MatMul', [input, w]), b]);
  }
  const { values, scales } = quantizePerColumn(g.draw([dims.in, dims.out], g.std), dims.out);
  const w = `${prefix}.weight_quantized`;
  const wScale = `${prefix}.weight_scale`;
  const wZeroPoint = `${prefix}.weight_zero_point`;
  g.initializers.push(int8Tensor(w, [dims.in, dims.out], values), floatTensor(wScale, [dims.out], scales), int8Tensor(wZeroPoint, [dims.out], new Int8Array(dims.out)));
  const b = g.random(`${prefix}.bias`, [dims.out], g.std);
  const x = g.quantizeActivation(input);
  const product = g.op('Cast', [g.op('MatMulInteger', [x.q, w, x.zeroPoint, wZeroPoint])], { to: ONNX_FLOAT });
  return g.op('Add', [g.op('Mul', [product, g.op('Mul', [x.scale, wScale])]), b]);
}

/** Symmetric int8 per column of a row-major [rows, columns] matrix: W ≈ values · scales[column]. */
export function quantizePerColumn(weights: Float32Array, columns: number): { values: Int8Array; scales: Float32Array } {
  const scales = new Float32Array(columns);
  for (let i = 0; i < weights.length; i++) scales[i % columns] = Math.max(scales[i % columns] ?? 0, Math.abs(weights[i] ?? 0));
  for (let c = 0; c < columns; c++) scales[c] = (scales[c] ?? 0) / 127 || 1;
  const values = new Int8Array(weights.length);
  for (let i = 0; i < weights.length; i++) values[i] = Math.max(-127, Math.min(127, Math.round((weights[i] ?? 0) / (scales[i % columns] ?? 1))));
  return { values, scales };
}

/** Gather over an embedding table; with q8 the table is int8 (one scale) and the gathered rows are dequantised. */
function lookup(g: GraphBuilder, table: { name: string; dims: readonly number[] }, indices: string): string {
  if (!g.q8) return g.op('Gather', [g.random(table.name, table.dims, g.std), indices]);
  const { values, scales } = quantizePerColumn(g.draw(table.dims, g.std), 1);
  const q = `${table.name}_quantized`;
  g.initializers.push(int8Tensor(q, table.dims, values));
  const scale = g.floats(`${table.name}_scale`, [], [scales[0] ?? 1]);
  g.initializers.push(int8Tensor(`${table.name}_zero_point`, [], new Int8Array(1)));
  return g.op('DequantizeLinear', [g.op('Gather', [q, indices]), scale, `${table.name}_zero_point`]);
}

function layerNorm(g: GraphBuilder, input: string, prefix: string, shape: BertShape): string {
  const gamma = g.random(`${prefix}.weight`, [shape.hidden], 0.1, 1);
  const beta = g.random(`${prefix}.bias`, [shape.hidden], 0.02);
  return g.op('LayerNormalization', [input, gamma, beta], { epsilon: { float: shape.layerNormEps } });
}

function embeddings(g: GraphBuilder, shape: BertShape): string {
  const word = lookup(g, { name: 'embeddings.word_embeddings.weight', dims: [shape.vocabSize, shape.hidden] }, 'input_ids');
  // Position ids are 0…sequence−1: the first `sequence` rows of the table. Past maxPositions the
  // slice stays at maxPositions rows and the Add below fails to broadcast, as the real export does.
  const sequence = g.op('Slice', [g.op('Shape', ['input_ids']), g.ints('const_1', [1]), g.ints('const_2', [2])]);
  const positions = g.random('embeddings.position_embeddings.weight', [shape.maxPositions, shape.hidden], g.std);
  const position = g.op('Slice', [positions, g.ints('const_0', [0]), sequence, g.ints('const_axis_0', [0])]);
  const tokenType = lookup(g, { name: 'embeddings.token_type_embeddings.weight', dims: [shape.typeVocabSize, shape.hidden] }, 'token_type_ids');
  const sum = g.op('Add', [g.op('Add', [word, position]), tokenType]);
  return layerNorm(g, sum, 'embeddings.LayerNorm', shape);
}

/** (1 − mask) · float32 min, shaped [batch, 1, 1, sequence] to add to every head's scores. */
function attentionBias(g: GraphBuilder): string {
  const mask = g.op('Unsqueeze', [g.op('Cast', ['attention_mask'], { to: ONNX_FLOAT }), g.ints('const_axes_1_2', [1, 2])]);
  const inverted = g.op('Sub', [g.floats('const_one', [], [1]), mask]);
  return g.op('Mul', [inverted, g.floats('const_mask_bias', [], [MASK_BIAS])]);
}

function encoderLayer(g: GraphBuilder, shape: BertShape, at: { input: string; bias: string; prefix: string }): string {
  const { hidden, heads } = shape;
  const headDims = hidden / heads;
  const square = { in: hidden, out: hidden };
  const split = g.ints(`${at.prefix}.split_heads_shape`, [0, 0, heads, headDims]);
  const toHeads = (t: string, perm: number[]) => g.op('Transpose', [g.op('Reshape', [t, split])], { perm });
  const q = toHeads(linear(g, at.input, `${at.prefix}.attention.self.query`, square), [0, 2, 1, 3]);
  const k = toHeads(linear(g, at.input, `${at.prefix}.attention.self.key`, square), [0, 2, 3, 1]);
  const v = toHeads(linear(g, at.input, `${at.prefix}.attention.self.value`, square), [0, 2, 1, 3]);
  const scale = g.floats(`${at.prefix}.attention.scale`, [], [1 / Math.sqrt(headDims)]);
  const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q, k]), scale]), at.bias]);
  const context = g.op('Transpose', [g.op('MatMul', [g.op('Softmax', [scores], { axis: 3 }), v])], { perm: [0, 2, 1, 3] });
  const merged = g.op('Reshape', [context, g.ints(`${at.prefix}.merge_heads_shape`, [0, 0, hidden])]);
  const attention = linear(g, merged, `${at.prefix}.attention.output.dense`, square);
  const afterAttention = layerNorm(g, g.op('Add', [attention, at.input]), `${at.prefix}.attention.output.LayerNorm`, shape);
  const up = linear(g, afterAttention, `${at.prefix}.intermediate.dense`, { in: hidden, out: shape.intermediate });
  const down = linear(g, gelu(g, up, at.prefix), `${at.prefix}.output.dense`, { in: shape.intermediate, out: hidden });
  return layerNorm(g, g.op('Add', [down, afterAttention]), `${at.prefix}.output.LayerNorm`, shape);
}

/** GELU with erf, as BERT's `hidden_act: gelu`: x · ½(1 + erf(x/√2)). */
function gelu(g: GraphBuilder, x: string, prefix: string): string {
  const erf = g.op('Erf', [g.op('Div', [x, g.floats(`${prefix}.const_sqrt2`, [], [Math.SQRT2])])]);
  const half = g.floats(`${prefix}.const_half`, [], [0.5]);
  return g.op('Mul', [g.op('Mul', [x, g.op('Add', [erf, g.floats(`${prefix}.const_one`, [], [1])])]), half]);
}
