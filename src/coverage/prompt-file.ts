import { z } from 'zod';

/** One line of a `--input` file: a prompt to route; other fields (ids, labels) are ignored. */
export const PromptLineSchema = z.object({ prompt: z.string().refine((s) => s.trim().length > 0, 'prompt must not be blank') });

export interface PromptLineError {
  readonly line: number;
  readonly reason: string;
}

export type PromptFileResult = { readonly ok: true; readonly prompts: string[] } | { readonly ok: false; readonly errors: PromptLineError[] };

/**
 * Parses JSONL prompts (one `{"prompt": "..."}` a line; blank lines skipped). Every bad line is
 * reported with its number, and nothing is returned to route unless the whole file is good.
 */
export function parsePromptFile(content: string): PromptFileResult {
  const prompts: string[] = [];
  const errors: PromptLineError[] = [];
  content.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      errors.push({ line: i + 1, reason: `not valid JSON (${error instanceof Error ? error.message : String(error)})` });
      return;
    }
    const parsed = PromptLineSchema.safeParse(value);
    if (parsed.success) prompts.push(parsed.data.prompt);
    else errors.push({ line: i + 1, reason: parsed.error.issues.map((x) => `${x.path.map(String).join('.') || '(root)'}: ${x.message}`).join('; ') });
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, prompts };
}
