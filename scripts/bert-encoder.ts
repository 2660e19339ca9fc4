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
 */
import { gaussian, seededRandom } from '../src/shared/random.js';
import { floatTensor, int64Tensor, Message, model, node, ONNX_FLOAT, ONNX_INT64, tensorInfo } from './onnx-writer.js';

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

/**
 * Builds the graph; `seed` fixes every weight, `std` is the weights' spread (BERT's 0.02 by default;
 * the small test model uses more, so attention and padding visibly change its vectors).
 * Returns the serialised ModelProto.
 */
export function bertEncoderOnnx(shape: BertShape, init: { seed: number; std?: number }): Uint8Array {
  if (shape.hidden % shape.heads !== 0) throw new RangeError(`hidden ${shape.hidden} is not a multiple of heads ${shape.heads}`);
  const g = new GraphBuilder(seededRandom(init.seed), init.std ?? 0.02);
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
  constructor(
    private readonly rand: () => number,
    readonly std: number,
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

  /** A weight drawn from N(mean, std²). */
  random(name: string, dims: readonly number[], std: number, mean = 0): string {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = mean + std * gaussian(this.rand);
    this.initializers.push(floatTensor(name, dims, data));
    return name;
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

/** Linear layer y = x·W + b, W [in, out]. */
function linear(g: GraphBuilder, input: string, prefix: string, dims: { in: number; out: number }): string {
  const w = g.random(`${prefix}.weight`, [dims.in, dims.out], g.std);
  const b = g.random(`${prefix}.bias`, [dims.out], g.std);
  return g.op('Add', [g.op('MatMul', [input, w]), b]);
}

function layerNorm(g: GraphBuilder, input: string, prefix: string, shape: BertShape): string {
  const gamma = g.random(`${prefix}.weight`, [shape.hidden], 0.1, 1);
  const beta = g.random(`${prefix}.bias`, [shape.hidden], 0.02);
  return g.op('LayerNormalization', [input, gamma, beta], { epsilon: { float: shape.layerNormEps } });
}

function embeddings(g: GraphBuilder, shape: BertShape): string {
  const word = g.op('Gather', [g.random('embeddings.word_embeddings.weight', [shape.vocabSize, shape.hidden], g.std), 'input_ids']);
  // Position ids are 0…sequence−1: the first `sequence` rows of the table. Past maxPositions the
  // slice stays at maxPositions rows and the Add below fails to broadcast, as the real export does.
  const sequence = g.op('Slice', [g.op('Shape', ['input_ids']), g.ints('const_1', [1]), g.ints('const_2', [2])]);
  const positions = g.random('embeddings.position_embeddings.weight', [shape.maxPositions, shape.hidden], g.std);
  const position = g.op('Slice', [positions, g.ints('const_0', [0]), sequence, g.ints('const_axis_0', [0])]);
  const tokenType = g.op('Gather', [g.random('embeddings.token_type_embeddings.weight', [shape.typeVocabSize, shape.hidden], g.std), 'token_type_ids']);
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
