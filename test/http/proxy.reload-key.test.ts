import { createServer, type IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { applyReloadedConfig } from '../../src/cli/bootstrap.js';
import { CODE, startProxy, user } from '../helpers/proxy-setup.js';

/** A loopback upstream that answers every chat completion and keeps each request's headers. */
async function headerRecordingUpstream(): Promise<{ baseUrl: string; headers: IncomingHttpHeaders[]; close: () => Promise<void> }> {
  const headers: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    headers.push(req.headers);
    req.resume().on('end', () => {
      const body = { id: 'c1', object: 'chat.completion', created: 0, model: 'small', choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 } };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { baseUrl: `http://127.0.0.1:${port}/v1`, headers, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('upstream keys after a config reload', () => {
  it('sends the key of an upstream the reload gave an apiKeyEnv (read from the environment, as at start)', async () => {
    const s = await startProxy({});
    const up = await headerRecordingUpstream();
    try {
      // At start `small` has no apiKeyEnv; the reload points it at this upstream with BIG_KEY, which is set.
      const catalog = s.deps.config.catalog.map((m) => (m.id === 'small' ? { ...m, upstream: { baseUrl: up.baseUrl, timeoutMs: 1000, apiKeyEnv: 'BIG_KEY' } } : m));
      expect((await applyReloadedConfig(s.deps, { ...s.deps.config, catalog })).outcome).toBe('applied');
      const res = await s.post({ model: 'small', messages: user(CODE) });
      expect(res.status).toBe(200);
      expect(up.headers.map((h) => h.authorization)).toEqual(['Bearer sk-upstream-secret']);
    } finally {
      await up.close();
    }
  });
});
