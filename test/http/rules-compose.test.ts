import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { RuleSchema, type Rule } from '../../src/config/schema.js';
import { afterEach, describe, expect, it } from 'vitest';
import { appDepsOf, type Deps } from '../../src/cli/bootstrap.js';
import { loadConfig } from '../../src/config/load.js';
import { keywordPattern } from '../../src/routing/rules.js';
import { createApp } from '../../src/server/app.js';
import { RouteResponseSchema } from '../../src/server/schemas.js';
import { silentLogger } from '../../src/shared/logger.js';
import { startLexical } from '../helpers/lexical-deps.js';
import { PROJECT_ROOT, tempDir, TEST_CONFIG_FILE } from '../helpers/test-deps.js';

const running: (() => void)[] = [];
afterEach(() => running.splice(0).forEach((f) => f()));

/** The rules block of README's "Rules before similarity" section, exactly as a user would paste it. */
function readmeRules(): Rule[] {
  const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const block = /```yaml\n(rules:\n[\s\S]*?)```/.exec(readme)?.[1];
  if (block === undefined) throw new Error('README has no yaml rules block');
  return z.array(RuleSchema).parse((parse(block) as { rules: unknown }).rules);
}

/** README's pinning rule and its free-tier rule, whatever models they name. */
function readmeExample() {
  const rules = readmeRules();
  const pinning = rules.find((r) => r.then.pin !== undefined);
  const free = rules.find((r) => r.when.tier?.includes('free'));
  const pinned = pinning?.then.pin;
  if (!pinning || !free || pinned === undefined || !free.then.exclude?.includes(pinned)) throw new Error("README's rules example changed shape");
  return { rules, pinning, free, pinned, keyword: pinning.when.keywords?.[0] ?? '' };
}

function shippedCatalog(): string[] {
  return loadConfig({ env: {}, file: TEST_CONFIG_FILE }).catalog.map((m) => m.id);
}

async function app(rules: unknown) {
  const { dir, cleanup } = tempDir();
  const config = loadConfig({
    env: {},
    file: TEST_CONFIG_FILE,
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
  it("README's example: a free-tier user matching the pinning rule does not reach the pinned premium model, and is told why", async () => {
    const { rules, pinning, free, pinned, keyword } = readmeExample();
    const route = await app(rules);
    const prompt = `Please review this ${keyword} before I sign it`;
    const paid = await route({ prompt });
    expect(paid).toMatchObject({ model: pinned, reason: 'rule', rule: pinning.name, ruleIgnored: null });
    const freeUser = await route({ prompt, tier: 'free' });
    expect(free.then.exclude).not.toContain(freeUser.model);
    expect(freeUser.excluded).toEqual(expect.arrayContaining((free.then.exclude ?? []).map((model) => ({ model, why: 'excluded_by_rule' }))));
    expect(freeUser.ruleIgnored).toEqual({ rule: pinning.name, model: pinned, reason: `rule '${free.name}' excludes it` });
  });

  it("reports a pin the request's own allow-list rules out", async () => {
    const { rules, pinning, pinned, keyword } = readmeExample();
    const route = await app(rules);
    const others = shippedCatalog().filter((id) => id !== pinned);
    const r = await route({ prompt: `Draft a ${keyword}`, models: others });
    expect(r.model).not.toBe(pinned);
    expect(r.ruleIgnored).toEqual({ rule: pinning.name, model: pinned, reason: "it is not in the request's models allow-list" });
  });
});

describe('keyword rules in every script', () => {
  const legal = shippedCatalog()[0] ?? '';
  const rules = [{ name: 'legal', when: { keywords: ['合同', '契約書', 'สัญญา', '계약서', 'contract', 'Vertrag', 'договор'] }, then: { pin: legal } }];

  it('fire inside running text of scripts written without spaces, through the HTTP API', async () => {
    const route = await app(rules);
    for (const prompt of [
      '请帮我审核这份合同的条款', // Chinese
      'この契約書を確認してください', // Japanese
      'ช่วยตรวจสอบสัญญาฉบับนี้ให้หน่อย', // Thai
      '이 계약서를 검토해 주세요', // Korean: the particle 를 is attached
      '请审核这个contract文件', // a Latin keyword inside Chinese text
    ]) {
      expect(await route({ prompt }), prompt).toMatchObject({ model: legal, rule: 'legal' });
    }
    expect((await route({ prompt: 'Tell me about the weather in Bangkok' })).rule).toBeNull();
  });

  it('keep whole-word, case-insensitive matching for spaced scripts', () => {
    const re = keywordPattern(['contract', 'Vertrag', 'договор', 'non-disclosure agreement', 'C++']);
    for (const yes of ['Review this Contract.', 'Der VERTRAG ist fertig', 'Проверь договор, пожалуйста', 'a non-disclosure\n agreement', 'fix my C++ code']) expect(re.test(yes), yes).toBe(true);
    for (const no of ['the contractor is late', 'Vertragsentwurf', 'договоры', 'subcontract', 'C++x']) expect(re.test(no), no).toBe(false);
  });
});
