import { AppError } from '../shared/errors.js';

/**
 * A named model is waiting out an upstream's Retry-After: 429 to the caller, with the time left.
 * `retryAfterSeconds` becomes the response's Retry-After header.
 */
export class HeldModelError extends AppError {
  readonly retryAfterSeconds: number;

  constructor(model: string, heldMs: number) {
    super('RATE_LIMITED', `${model === 'every eligible model' ? model : `model '${model}'`} asked us to wait (Retry-After); try again in ${Math.ceil(heldMs / 1000)} s`);
    this.retryAfterSeconds = Math.ceil(heldMs / 1000);
  }
}

/** No catalog model can be called: the error names the setting to add. */
export function noUpstreamError(): AppError {
  return new AppError(
    'NO_ELIGIBLE_MODEL',
    'no catalog model has an upstream to call: add `upstream: { baseUrl, apiKeyEnv }` to at least one model under `catalog` in router.config.yaml',
  );
}
