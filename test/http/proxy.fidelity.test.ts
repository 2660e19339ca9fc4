import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { ModelsResponseSchema } from '../../src/server/chat-schemas.js';
import { CODE, startProxy, user } from '../helpers/proxy-setup.js';

const WEATHER_TOOL = {
  type: 'function',
  function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
} as const;
const TOOL_CALL = { id: 'call_abc123', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } } as const;

describe('the front door forwards what it does not read', () => {
  it('carries a two-turn tool conversation with an image through the OpenAI client, byte for byte', async () => {
    const { client, up } = await startProxy({ big: { toolCalls: [TOOL_CALL] }, small: {} });
    const image = { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } } as const;
    const first: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: [{ type: 'text', text: CODE }, image] }];
    const turn1 = await client.chat.completions.create({ model: 'router', messages: first, tools: [WEATHER_TOOL] });
    const assistant = turn1.choices[0]?.message;
    expect(assistant?.tool_calls).toEqual([TOOL_CALL]);
    up.set('big', { content: 'It is sunny in Paris.' });
    const second: OpenAI.ChatCompletionMessageParam[] = [
      ...first,
      { role: 'assistant', content: null, tool_calls: [TOOL_CALL] },
      { role: 'tool', tool_call_id: 'call_abc123', content: '{"temp_c":21}' },
    ];
    const turn2 = await client.chat.completions.create({ model: 'router', messages: second, tools: [WEATHER_TOOL] });
    expect(turn2.choices[0]?.message.content).toBe('It is sunny in Paris.');

    const received = up.calls('big').at(-1);
    // The upstream got exactly what the client sent, with only `model` changed.
    const sent = { model: 'router', messages: second, tools: [WEATHER_TOOL] };
    expect(received?.raw).toBe(JSON.stringify({ ...sent, model: 'big' }));
    const messages = received?.body['messages'] as Record<string, unknown>[];
    expect(JSON.stringify(messages[1]?.['tool_calls'])).toBe(JSON.stringify([TOOL_CALL]));
    expect(messages[2]?.['tool_call_id']).toBe('call_abc123');
    expect(JSON.stringify((messages[0]?.['content'] as unknown[])[1])).toBe(JSON.stringify(image));
  });

  it('keeps unknown fields, message keys and part types, and drops only its own router_escalate', async () => {
    const { post, up } = await startProxy({ big: {}, small: {} });
    const body = {
      model: 'router',
      temperature: 0.2,
      seed: 7,
      metadata: { team: 'x' },
      some_future_field: { nested: [1, 'two', null] },
      router_escalate: false,
      messages: [
        { role: 'system', content: 'be brief', name: 'sys' },
        { role: 'assistant', content: null, refusal: 'no', audio: { id: 'audio_1' }, x_vendor: 1 },
        { role: 'user', content: [{ type: 'text', text: CODE }, { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }, { type: 'file', file: { file_id: 'f1' } }, { type: 'brand_new_part', stuff: true }] },
      ],
    };
    const res = await post(body);
    expect(res.status).toBe(200);
    const { router_escalate: _own, ...forwarded } = body;
    expect(up.calls('big').at(-1)?.raw).toBe(JSON.stringify({ ...forwarded, model: 'big' }));
  });

  it('returns the upstream answer unchanged except its model', async () => {
    const { post } = await startProxy({ big: { content: 'exact text' }, small: {} });
    const res = await post({ model: 'router', messages: user(CODE) });
    const answer = (await res.json()) as Record<string, unknown>;
    expect(answer).toMatchObject({ id: 'chatcmpl-big', object: 'chat.completion', created: 1_700_000_000, model: 'big', usage: { prompt_tokens: 1000 } });
    expect(res.headers.get('x-semroute-model')).toBe('big');
    expect(res.headers.get('x-semroute-fallbacks')).toBe('0');
  });
});

describe('GET /v1/models', () => {
  it("lists the router strategies and the catalog in OpenAI's shape, extras under `semroute`", async () => {
    const { client, url } = await startProxy({ big: {}, small: {} });
    const page = await client.models.list();
    const ids = page.data.map((m) => m.id);
    expect(ids).toEqual(['router', 'router:balanced', 'router:quality', 'router:cheap', 'big', 'small']);
    for (const m of page.data) {
      expect(m.object).toBe('model');
      expect(Number.isInteger(m.created)).toBe(true);
      expect(typeof m.owned_by).toBe('string');
    }
    const parsed = ModelsResponseSchema.parse(await (await fetch(`${url}/models`)).json());
    const big = parsed.data.find((m) => m.id === 'big');
    expect(Object.keys(big ?? {}).sort()).toEqual(['created', 'id', 'object', 'owned_by', 'semroute']);
    expect(big?.semroute).toMatchObject({ kind: 'catalog', contextWindow: 100_000, callable: true });
    // Each strategy alias names the other one, never itself.
    const described = (id: string) => JSON.stringify(parsed.data.find((m) => m.id === id)?.semroute);
    expect(described('router')).toContain('same as `router:balanced`');
    expect(described('router:balanced')).toContain('same as `router`)');
    expect(described('router:quality')).not.toContain('same as');
  });
});
