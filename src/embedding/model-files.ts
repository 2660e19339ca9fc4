import path from 'node:path';

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

/**
 * The files transformers.js reads from `<folder>/<modelId>/` for a dtype: AutoTokenizer reads
 * tokenizer.json and tokenizer_config.json, AutoModel config.json and the dtype's ONNX weights.
 * Every message that tells a user what to put in the folder names this list.
 */
export function modelFilesFor(dtype: TransformersDtype): readonly string[] {
  return ['config.json', 'tokenizer.json', 'tokenizer_config.json', onnxFileFor(dtype)];
}

/** How to give transformers.js the model without the network: the one sentence every message uses. */
export function offlineAdvice(options: { readonly modelId: string; readonly dtype: TransformersDtype; readonly cacheDir?: string }): string {
  const files = modelFilesFor(options.dtype);
  const list = `${files.slice(0, -1).join(', ')} and ${files.at(-1) ?? ''} (dtype ${options.dtype})`;
  const cache = options.cacheDir === undefined ? '' : ` (or copy them into ${path.join(options.cacheDir, options.modelId)})`;
  return `To run offline, put ${list} in <folder>/${options.modelId}/ and set ROUTER_EMBEDDING__LOCAL_MODEL_PATH=<folder>${cache}, and ROUTER_EMBEDDING__ALLOW_REMOTE=false.`;
}
