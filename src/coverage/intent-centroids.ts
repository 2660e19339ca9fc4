import type { CalibrationSample } from './calibrate.js';
import { centroid, groupByIntent } from './vectors.js';

/**
 * Per intent, the normalised mean of its references' vectors: the router's intent decision reads a
 * prompt's similarity to it (routing/coverage.ts `nearestIntentOf`). One pass over the references,
 * made with the calibration (which reads them all anyway) and cached with it.
 */
export function intentCentroids(references: Iterable<Pick<CalibrationSample, 'intent' | 'vector'>>): Map<string, Float32Array> {
  const members = groupByIntent(references, (r) => r.vector);
  return new Map([...members].map(([intent, vectors]) => [intent, centroid(vectors)]));
}

/** For the meta cache: each centroid as base64 of its float32 bytes (little-endian, as Float32Array lays them out here). */
export function encodeCentroids(centroids: ReadonlyMap<string, Float32Array>): Record<string, string> {
  return Object.fromEntries([...centroids].map(([intent, v]) => [intent, Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')]));
}

export function decodeCentroids(encoded: Readonly<Record<string, string>>): Map<string, Float32Array> {
  return new Map(
    Object.entries(encoded).map(([intent, b64]) => {
      const bytes = Buffer.from(b64, 'base64');
      const copy = new Uint8Array(bytes.byteLength);
      copy.set(bytes);
      return [intent, new Float32Array(copy.buffer, 0, Math.floor(copy.byteLength / 4))];
    }),
  );
}
