import { reportsCuts, type Embedder, type InputCut } from '../embedding/embedder.js';
import { AppError } from '../shared/errors.js';

/**
 * Embeds the texts a route needs and says whether the input budget cut any of them (summed over
 * the texts, so a conversation window reads "routed on toChars of fromChars"). Only the pool can
 * tell; a plain embedder (benchmarks) reports no cut.
 */
export async function embedTexts(embedder: Embedder, texts: readonly string[], signal: AbortSignal | undefined): Promise<{ vectors: Float32Array[]; cut: InputCut | undefined }> {
  const options = signal ? { signal } : {};
  if (!reportsCuts(embedder)) return { vectors: checked(await embedder.embed(texts, options), texts.length), cut: undefined };
  const { vectors, cuts } = await embedder.embedWithCuts(texts, options);
  if (cuts.every((c) => c === undefined)) return { vectors: checked(vectors, texts.length), cut: undefined };
  let fromChars = 0;
  let toChars = 0;
  texts.forEach((text, i) => {
    fromChars += cuts[i]?.fromChars ?? text.length;
    toChars += cuts[i]?.toChars ?? text.length;
  });
  return { vectors: checked(vectors, texts.length), cut: { fromChars, toChars } };
}

function checked(vectors: Float32Array[], expected: number): Float32Array[] {
  if (vectors.length !== expected) throw new AppError('INTERNAL', `embedder returned ${vectors.length} vectors for ${expected} texts`);
  return vectors;
}
