/**
 * The ONNX file transformers.js loads for each dtype, inside the model folder: its
 * DEFAULT_DTYPE_SUFFIX_MAPPING (@huggingface/transformers, src/utils/dtypes.js), e.g. q8 →
 * onnx/model_quantized.onnx. Kept here, free of the library, so messages on the main thread can name
 * the file without loading onnxruntime.
 */
const SUFFIX = { fp32: '', fp16: '_fp16', q8: '_quantized', int8: '_int8', uint8: '_uint8', q4: '_q4' } as const;

export type TransformersDtype = keyof typeof SUFFIX;

export function onnxFileFor(dtype: TransformersDtype): string {
  return `onnx/model${SUFFIX[dtype]}.onnx`;
}
