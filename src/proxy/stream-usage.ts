export interface Usage {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/** Reads `usage` from an OpenAI chat completion body (or stream chunk). */
export function usageOf(body: unknown): Usage | null {
  if (typeof body !== 'object' || body === null || !('usage' in body)) return null;
  const u = body.usage;
  if (typeof u !== 'object' || u === null) return null;
  const prompt = 'prompt_tokens' in u && typeof u.prompt_tokens === 'number' ? u.prompt_tokens : 0;
  const completion = 'completion_tokens' in u && typeof u.completion_tokens === 'number' ? u.completion_tokens : 0;
  return { promptTokens: prompt, completionTokens: completion };
}

/**
 * Passes server-sent events through untouched, chunk by chunk, while watching the `data:` lines
 * for the usage chunk, so spend can be recorded when the stream ends.
 */
export function watchUsage(source: ReadableStream<Uint8Array>, onEnd: (usage: Usage | null, failed: boolean) => void): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  let pending = '';
  let usage: Usage | null = null;
  const scan = (text: string) => {
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('data:') || line.includes('[DONE]')) continue;
      try {
        usage = usageOf(JSON.parse(line.slice(5))) ?? usage;
      } catch {
        // Not every data line is ours to understand; pass it on regardless.
      }
    }
  };
  const reader = source.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          onEnd(usage, false);
          return;
        }
        scan(decoder.decode(value, { stream: true }));
        controller.enqueue(value);
      } catch (error) {
        onEnd(usage, true);
        controller.error(error);
      }
    },
    cancel(reason) {
      onEnd(usage, true);
      return reader.cancel(reason);
    },
  });
}
