import { describe, expect, it } from 'vitest';
import { closestName } from './spelling.js';

describe('closestName', () => {
  it('finds swapped letters, a missing letter, another case and snake case', () => {
    expect(closestName('costWieght', ['costWeight', 'k', 'minSupport'])).toBe('costWeight');
    expect(closestName('prot', ['host', 'port', 'maxBodyBytes'])).toBe('port');
    expect(closestName('promt', ['prompt', 'messages'])).toBe('prompt');
    expect(closestName('cost_weight', ['costWeight', 'coverageThreshold'])).toBe('costWeight');
    expect(closestName('ROUTER_DATADIR', ['ROUTER_DATA_DIR', 'ROUTER_CONFIG'])).toBe('ROUTER_DATA_DIR');
  });

  it('suggests nothing far off, and never the name itself', () => {
    expect(closestName('banana', ['costWeight', 'port'])).toBeUndefined();
    expect(closestName('x', ['port'])).toBeUndefined();
    expect(closestName('port', ['port'])).toBeUndefined();
    expect(closestName('port', [])).toBeUndefined();
  });

  it('prefers the nearest of several candidates', () => {
    expect(closestName('efSearh', ['efSearch', 'efConstruction', 'm'])).toBe('efSearch');
  });
});
