import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fingerprintKey, type EmbedderFingerprint } from '../embedding/embedder.js';

const HASH_BYTES = 32;

/** The key of a text in the cache: its SHA-256, so prompts are not stored in clear. */
export function textKey(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** One file per embedder fingerprint; a different model or version never reads another's vectors. */
export function cacheFile(dir: string, fingerprint: EmbedderFingerprint): string {
  const safe = fingerprintKey(fingerprint).replace(/[^A-Za-z0-9_.@-]+/g, '_');
  return path.join(dir, `${safe}.f32`);
}

/**
 * Reads vectors saved by `saveVectors`: [dims: uint32 LE] then per entry the text's SHA-256 (32
 * bytes) and `dims` float32 LE. A missing file, or one of another width, is an empty cache.
 */
export function loadVectors(file: string, dims: number): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  if (!existsSync(file)) return out;
  const buf = readFileSync(file);
  if (buf.length < 4 || buf.readUInt32LE(0) !== dims) return out;
  const entry = HASH_BYTES + 4 * dims;
  for (let at = 4; at + entry <= buf.length; at += entry) {
    const key = buf.subarray(at, at + HASH_BYTES).toString('hex');
    const vector = new Float32Array(dims);
    for (let d = 0; d < dims; d++) vector[d] = buf.readFloatLE(at + HASH_BYTES + 4 * d);
    out.set(key, vector);
  }
  return out;
}

/** Writes the whole cache to a temp file, then renames it, so a crash never leaves half a file. */
export function saveVectors(file: string, dims: number, vectors: ReadonlyMap<string, Float32Array>): void {
  const entry = HASH_BYTES + 4 * dims;
  const buf = Buffer.alloc(4 + entry * vectors.size);
  buf.writeUInt32LE(dims, 0);
  let at = 4;
  for (const [key, vector] of vectors) {
    Buffer.from(key, 'hex').copy(buf, at);
    for (let d = 0; d < dims; d++) buf.writeFloatLE(vector[d] ?? 0, at + HASH_BYTES + 4 * d);
    at += entry;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, buf);
  renameSync(`${file}.tmp`, file);
}
