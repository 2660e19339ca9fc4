import { describe, expect, it } from 'vitest';
import { CODE, startProxy, user } from '../helpers/proxy-setup.js';

const JSON_OBJECT = { type: 'json_object' };

describe('answer checks: the only quality outcomes the proxy makes', () => {
  it('escalates an invalid-JSON answer once, to the stronger model, and records both checks', async () => {
    const s = await startProxy({ big: { content: '{"ok": true}' }, small: { content: 'this is not json' } });
    const res = await s.post({ model: 'small', messages: user(CODE), response_format: JSON_OBJECT, router_escalate: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-semroute-escalated')).toBe('answer_check');
    expect(res.headers.get('x-semroute-model')).toBe('big');
    expect(res.headers.get('x-semroute-check')).toBe('passed');
    expect(((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content).toBe('{"ok": true}');
    expect([s.up.calls('small').length, s.up.calls('big').length]).toEqual([1, 1]);
    expect(s.up.lastBody('small')?.['router_escalate']).toBeUndefined();
    const outcomes = await s.outcomes(res.headers.get('x-semroute-decision-id') ?? '');
    expect(outcomes.map((o) => [o.model, o.value, o.source])).toEqual([
      ['small', 0, 'answer_check'],
      ['big', 1, 'answer_check'],
    ]);
  });

  it('escalates only once: a second bad answer is returned, flagged', async () => {
    const s = await startProxy({ big: { content: 'nope' }, small: { content: 'nope' } });
    const schema = { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', required: ['ok'] } } };
    const res = await s.post({ model: 'small', messages: user(CODE), response_format: schema, router_escalate: true });
    expect(res.headers.get('x-semroute-check')).toBe('failed');
    expect([s.up.calls('small').length, s.up.calls('big').length]).toEqual([1, 1]);
  });

  it('makes no quality outcome for a plain answer: a 200 says nothing about quality', async () => {
    const s = await startProxy({ big: {}, small: {} });
    const res = await s.post({ model: 'router', messages: user(CODE) });
    expect(res.headers.get('x-semroute-check')).toBeNull();
    const decisionId = res.headers.get('x-semroute-decision-id') ?? '';
    expect(await s.outcomes(decisionId)).toEqual([]);
    expect((await s.attempts(decisionId)).map((a) => [a.model, a.verdict])).toEqual([['big', 'ok']]);
  });
});
