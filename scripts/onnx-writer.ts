/**
 * Just enough of the ONNX protobuf format to write small graphs (the tiny test model's one-node
 * graph, the BERT encoder of make-bench-model), so they need no Python and no protobuf library.
 * Field numbers are from onnx.proto3.
 */

export const ONNX_FLOAT = 1;
export const ONNX_UINT8 = 2;
export const ONNX_INT8 = 3;
export const ONNX_INT64 = 7;

function varint(value: number | bigint): number[] {
  // Negative int64 values are sent as their 64-bit two's complement (10 bytes), as protobuf does.
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

/** A protobuf message body built field by field. */
export class Message {
  private readonly parts: number[][] = [];
  private readonly blobs: Uint8Array[] = [];
  private readonly order: ('part' | 'blob')[] = [];

  int(field: number, value: number): this {
    return this.push([...varint((field << 3) | 0), ...varint(value)]);
  }

  /** A 32-bit float (wire type 5, little-endian). */
  float(field: number, value: number): this {
    const le = new Uint8Array(new Float32Array([value]).buffer);
    return this.push([...varint((field << 3) | 5), ...le]);
  }

  bytes(field: number, data: Uint8Array): this {
    this.push([...varint((field << 3) | 2), ...varint(data.length)]);
    this.blobs.push(data);
    this.order.push('blob');
    return this;
  }

  string(field: number, text: string): this {
    return this.bytes(field, new TextEncoder().encode(text));
  }

  message(field: number, child: Message): this {
    return this.bytes(field, child.encode());
  }

  encode(): Uint8Array {
    const chunks: Uint8Array[] = [];
    let p = 0;
    let b = 0;
    for (const kind of this.order) chunks.push(kind === 'part' ? Uint8Array.from(this.parts[p++] ?? []) : (this.blobs[b++] ?? new Uint8Array()));
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const c of chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return out;
  }

  private push(bytes: number[]): this {
    this.parts.push(bytes);
    this.order.push('part');
    return this;
  }
}

/** ValueInfoProto for a tensor whose dimensions are named (symbolic) or fixed. */
export function tensorInfo(name: string, elemType: number, dims: readonly (string | number)[]): Message {
  const shape = new Message();
  for (const d of dims) shape.message(1, typeof d === 'number' ? new Message().int(1, d) : new Message().string(2, d));
  const tensorType = new Message().int(1, elemType).message(2, shape);
  return new Message().string(1, name).message(2, new Message().message(1, tensorType));
}

/** TensorProto holding float32 data as raw little-endian bytes. */
export function floatTensor(name: string, dims: readonly number[], data: Float32Array): Message {
  const t = new Message();
  for (const d of dims) t.int(1, d);
  return t.int(2, ONNX_FLOAT).string(8, name).bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/** TensorProto holding int8 data as raw bytes (quantised weights and their zero points). */
export function int8Tensor(name: string, dims: readonly number[], data: Int8Array): Message {
  const t = new Message();
  for (const d of dims) t.int(1, d);
  return t.int(2, ONNX_INT8).string(8, name).bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/** TensorProto holding int64 data as raw little-endian bytes (shapes, axes, slice bounds). */
export function int64Tensor(name: string, dims: readonly number[], values: readonly number[]): Message {
  const data = BigInt64Array.from(values.map((v) => BigInt(v)));
  const t = new Message();
  for (const d of dims) t.int(1, d);
  return t.int(2, ONNX_INT64).string(8, name).bytes(9, new Uint8Array(data.buffer));
}

/** An attribute value of a node: a number is an INT, `{ float }` a FLOAT, an array INTS. */
export type AttributeValue = number | { readonly float: number } | readonly number[];

/** NodeProto in the default domain; attribute types are AttributeProto.AttributeType (FLOAT 1, INT 2, INTS 7). */
export function node(opType: string, inputs: readonly string[], outputs: readonly string[], attributes: Record<string, AttributeValue> = {}): Message {
  const n = new Message();
  for (const i of inputs) n.string(1, i);
  for (const o of outputs) n.string(2, o);
  n.string(3, outputs[0] ?? opType).string(4, opType);
  for (const [name, value] of Object.entries(attributes)) {
    const a = new Message().string(1, name);
    if (typeof value === 'number') a.int(3, value).int(20, 2);
    else if ('float' in value) a.float(2, value.float).int(20, 1);
    else {
      for (const v of value) a.int(8, v);
      a.int(20, 7);
    }
    n.message(5, a);
  }
  return n;
}

/** ModelProto: IR version 8 and one default-domain opset (13 unless given). */
export function model(graph: Message, opset = 13, producer = 'semroute-make-tiny-model'): Uint8Array {
  return new Message().int(1, 8).string(2, producer).message(7, graph).message(8, new Message().string(1, '').int(2, opset)).encode();
}
