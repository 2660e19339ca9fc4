import { Ajv } from 'ajv';

const ajv = new Ajv({ allErrors: false, strict: false });

export type CheckResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Checks an answer against what the request asked for: valid JSON for `json_object`, and valid
 * against the schema for `json_schema` (validated with Ajv). Other formats always pass.
 */
export function checkAnswer(responseFormat: unknown, content: unknown): CheckResult {
  if (typeof responseFormat !== 'object' || responseFormat === null || !('type' in responseFormat)) return { ok: true };
  const type = responseFormat.type;
  if (type !== 'json_object' && type !== 'json_schema') return { ok: true };
  if (typeof content !== 'string') return { ok: false, reason: 'answer has no text content' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return { ok: false, reason: 'answer is not valid JSON' };
  }
  if (type === 'json_object') return { ok: true };
  const schema = 'json_schema' in responseFormat ? schemaOf(responseFormat.json_schema) : undefined;
  if (schema === undefined) return { ok: true };
  try {
    const validate = ajv.compile(schema);
    return validate(parsed) ? { ok: true } : { ok: false, reason: `answer does not match the JSON schema: ${ajv.errorsText(validate.errors)}` };
  } catch (error) {
    return { ok: false, reason: `the request's JSON schema cannot be compiled: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function schemaOf(jsonSchema: unknown): Record<string, unknown> | undefined {
  if (typeof jsonSchema !== 'object' || jsonSchema === null || !('schema' in jsonSchema)) return undefined;
  const schema = jsonSchema.schema;
  return typeof schema === 'object' && schema !== null && !Array.isArray(schema) ? { ...schema } : undefined;
}

/** True when the request asked for structured output that checkAnswer verifies (json_object, json_schema). */
export function hasAnswerCheck(responseFormat: unknown): boolean {
  if (typeof responseFormat !== 'object' || responseFormat === null || !('type' in responseFormat)) return false;
  return responseFormat.type === 'json_object' || responseFormat.type === 'json_schema';
}
