// A minimal, dependency-free ONNX (protobuf) writer: just enough of onnx.proto (ModelProto, GraphProto,
// NodeProto, TensorProto, ValueInfoProto, AttributeProto) to emit the small stand-in graph the tests
// load through onnxruntime-node. Field numbers are from onnx/onnx.proto (IR v8). Ported from the
// research note feas-tts.md, appendix A.

// ---------- protobuf wire encoding ----------

/** Varint of a non-negative number, or of a negative int64 as its 10-byte two's complement. */
function varint(n: number | bigint): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return Uint8Array.from(out);
}

function cat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const tag = (field: number, wire: number) => varint((field << 3) | wire);
const fVarint = (field: number, n: number | bigint) => cat([tag(field, 0), varint(n)]);
const fBytes = (field: number, bytes: Uint8Array) => cat([tag(field, 2), varint(bytes.length), bytes]);
const fString = (field: number, s: string) => fBytes(field, new TextEncoder().encode(s));
const fFloat = (field: number, x: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, x, true);
  return cat([tag(field, 5), b]);
};

// ---------- ONNX enums ----------

/** TensorProto.DataType values used here. */
export const DT = { FLOAT: 1, INT32: 6, INT64: 7 } as const;
export type DataType = (typeof DT)[keyof typeof DT];
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 } as const;

/** A node attribute: integer, float, string or list of integers. */
export type AttributeValue = number | string | number[];

// ---------- ONNX messages ----------

/** An initializer (constant tensor) with little-endian raw data. */
export function tensor(name: string, dataType: DataType, dims: number[], values: number[]): Uint8Array {
  let raw: Uint8Array;
  if (dataType === DT.FLOAT) raw = new Uint8Array(Float32Array.from(values).buffer);
  else if (dataType === DT.INT64) raw = new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer);
  else raw = new Uint8Array(Int32Array.from(values).buffer);
  return cat([...dims.map((d) => fVarint(1, d)), fVarint(2, dataType), fString(8, name), fBytes(9, raw)]);
}

function attribute(name: string, value: AttributeValue): Uint8Array {
  const parts = [fString(1, name)];
  if (typeof value === 'number' && Number.isInteger(value)) parts.push(fVarint(3, value), fVarint(20, ATTR.INT));
  else if (typeof value === 'number') parts.push(fFloat(2, value), fVarint(20, ATTR.FLOAT));
  else if (typeof value === 'string') parts.push(fString(4, value), fVarint(20, ATTR.STRING));
  else parts.push(...value.map((v) => fVarint(8, v)), fVarint(20, ATTR.INTS));
  return cat(parts);
}

/** A graph node; its name defaults to `<op>_<first output>`. */
export function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attrs: Record<string, AttributeValue> = {},
): Uint8Array {
  return cat([
    ...inputs.map((s) => fString(1, s)),
    ...outputs.map((s) => fString(2, s)),
    fString(3, `${opType}_${outputs[0]}`),
    fString(4, opType),
    ...Object.entries(attrs).map(([k, v]) => fBytes(5, attribute(k, v))),
  ]);
}

/** A graph input or output; a string dim is symbolic (dim_param). */
export function valueInfo(name: string, elemType: DataType, dims: (number | string)[]): Uint8Array {
  const shape = cat(dims.map((d) => fBytes(1, typeof d === 'number' ? fVarint(1, d) : fString(2, d))));
  const tensorType = cat([fVarint(1, elemType), fBytes(2, shape)]);
  return cat([fString(1, name), fBytes(2, fBytes(1, tensorType))]);
}

/** What {@link model} needs: nodes, graph inputs and outputs (from valueInfo) and initializers (from tensor). */
export interface ModelSpec {
  nodes: Uint8Array[];
  inputs: Uint8Array[];
  outputs: Uint8Array[];
  initializers?: Uint8Array[];
  name?: string;
  opset?: number;
  irVersion?: number;
}

/** Serialise a whole ModelProto (default opset 17, IR 8). */
export function model({
  nodes,
  inputs,
  outputs,
  initializers = [],
  name = 'graph',
  opset = 17,
  irVersion = 8,
}: ModelSpec): Uint8Array {
  const graph = cat([
    ...nodes.map((n) => fBytes(1, n)),
    fString(2, name),
    ...initializers.map((t) => fBytes(5, t)),
    ...inputs.map((v) => fBytes(11, v)),
    ...outputs.map((v) => fBytes(12, v)),
  ]);
  const opsetId = cat([fString(1, ''), fVarint(2, opset)]);
  return cat([fVarint(1, irVersion), fString(2, 'onnx-mini'), fString(3, '0.1'), fBytes(7, graph), fBytes(8, opsetId)]);
}
