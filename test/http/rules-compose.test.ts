import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { appDepsOf, type Deps } from '../../src/cli/bootstrap.js';
import { loadConfig } from '../../src/config/load.js';
import { keywordPattern } from '../../src/routing/rules.js';
import { createApp } from '../../src/server/app.js';
import { RouteResponseSchema } from '../../src/server/schemas.js';
import { silentLogger } from '../../src/shared/logger.js';
import { startLexical } from '../helpers/lexical-deps.js';
import { PROJECT_ROOT, tempDir } from '../helpers/test-deps.js';

const running: (() => void)[] = [];
afterEach(() => running.splice(0).forEach((f) => f()));

/** The rules block of README's "Rules before similarity" section, exactly as a user would paste it. */
function readmeRules(): unknown {
  const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const block = /```yaml\n(rules:\n[\s\S]*?)```/.exec(readme)?.[1];
  if (block === undefined) throw new Error('README has no yaml rules block');
  return (parse(block) as { rules: unknown }).rules;
}

async function app(rules: unknown) {
  const { dir, cleanup } = tempDir();
  const config = loadConfig({
    env: {},
    file: path.join(PROJECT_ROOT, 'router.config.yaml'),
    overrides: { dataDir: dir, referenceDir: path.join(PROJECT_ROOT, 'test/fixtures/reference-sets'), rules, log: { level: 'silent' } },
  });
  const deps: Deps = await startLexical(config);
  running.push(() => (deps.close(), cleanup()));
  const hono = createApp(appDepsOf(deps, silentLogger()));
  return async (body: unknown) => {
    const res = await hono.request('/v1/route', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    return RouteResponseSchema.parse(await res.json());
  };
}

describe('rules compose', () => {
  it("README's example: a free-tier user asking about a contract does not reach the pinned premium model, and is told why", async () => {
    const route = await app(readmeRules());
    const paid = await route({ prompt: 'Please review this contract before I sign it' });
    expect(paid).toMatchObject({ model: 'claude-sonnet-4', reason: 'rule', rule: 'contracts-to-the-best', ruleIgnored: null });
    const free = await route({ prompt: 'Please review this contract before I sign it', tier: 'free' });
    expect(free.model).not.toBe('claude-sonnet-4');
    expect(free.model).not.toBe('gpt-4o');
    expect(free.excluded).toEqual(expect.arrayContaining([{ model: 'claude-sonnet-4', why: 'excluded_by_rule' }, { model: 'gpt-4o', why: 'excluded_by_rule' }]));
    expect(free.ruleIgnored).toEqual({ rule: 'contracts-to-the-best', model: 'claude-sonnet-4', reason: "rule 'free-tier' excludes it" });
  });

  it("reports a pin the request's own allow-list rules out", async () => {
    const route = await app(readmeRules());
    const r = await route({ prompt: 'Draft a non-disclosure agreement', models: ['gpt-4o-mini', 'deepseek-chat'] });
    expect(r.model).not.toBe('claude-sonnet-4');
    expect(r.ruleIgnored).toEqual({ rule: 'contracts-to-the-best', model: 'claude-sonnet-4', reason: "it is not in the request's models allow-list" });
  });
});

describe('keyword rules in every script', () => {
  const rules = [{ name: 'legal', when: { keywords: ['合同', '契約書', 'สัญญา', '계약서', 'contract', 'Vertrag', 'договор'] }, then: { pin: 'claude-sonnet-4' } }];

  it('fire inside running text of scripts written without spaces, through the HTTP API', async () => {
    const route = await app(rules);
    for (const prompt of [
      '请帮我审核这份合同的条款', // Chinese
      'この契約書を確認してください', // Japanese
      'ช่วยตรวจสอบสัญญาฉบับนี้ให้หน่อย', // Thai
      '이 계약서를 검토해 주세요', // Korean: the particle 를 is attached
      '请审核这个contract文件', // a Latin keyword inside Chinese text
    ]) {
      expect(await route({ prompt }), prompt).toMatchObject({ model: 'claude-sonnet-4', rule: 'legal' });
    }
    expect((await route({ prompt: 'Tell me about the weather in Bangkok' })).rule).toBeNull();
  });

  it('keep whole-word, case-insensitive matching for spaced scripts', () => {
    const re = keywordPattern(['contract', 'Vertrag', 'договор', 'non-disclosure agreement', 'C++']);
    for (const yes of ['Review this Contract.', 'Der VERTRAG ist fertig', 'Проверь договор, пожалуйста', 'a non-disclosure\n agreement', 'fix my C++ code']) expect(re.test(yes), yes).toBe(true);
    for (const no of ['the contractor is late', 'Vertragsentwurf', 'договоры', 'subcontract', 'C++x']) expect(re.test(no), no).toBe(false);
  });
});
