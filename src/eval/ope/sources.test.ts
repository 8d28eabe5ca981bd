import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isResonateError } from '../../core/errors.js';
import { readLog } from './log-sources.js';
import { resolvePolicy } from './policies.js';
import { runOpe } from './run-ope.js';
import type { LoggedRow } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'resonate-ope-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const OBD_HEADER = ',timestamp,item_id,position,click,propensity_score,user_feature_0,user-item_affinity_0,user-item_affinity_1';
const obd = (rows: string[]): string => [OBD_HEADER, ...rows.map((r, i) => `${i},2019-11-24 00:00:0${i}+00:00,${r}`)].join('\n') + '\n';

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('log sources', () => {
  it('reads an OBD CSV: item, position, click, propensity, categorical and non-zero numeric context', async () => {
    const path = file('random.csv', obd(['3,1,0,0.25,abc,0.0,2.0', '1,2,1,0.25,def,1.0,0.0']));
    const log = await readLog(`obd:${path}`);
    expect(log.rows).toEqual([
      { action: '3', position: 1, reward: 0, propensity: 0.25, context: { user_feature_0: 'abc', 'user-item_affinity_1': 2 } },
      { action: '1', position: 2, reward: 1, propensity: 0.25, context: { user_feature_0: 'def', 'user-item_affinity_0': 1 } },
    ]);
  });

  it('reads a jsonl log, with defaults, and names the line of a bad row', async () => {
    const path = file('log.jsonl', '{"action": "p1", "reward": 1, "propensity": 0.5, "context": {"country": "fr"}, "slate": 7}\n\n{"action": 2, "position": 2, "reward": 0}\n');
    expect((await readLog(`jsonl:${path}`)).rows).toEqual([
      { action: 'p1', position: 1, reward: 1, propensity: 0.5, context: { country: 'fr' }, slateId: '7' },
      { action: '2', position: 2, reward: 0 },
    ]);
    const bad = file('bad.jsonl', '{"action": "a", "reward": 1}\n{"action": "a", "reward": 1, "propensity": 1.5}\n');
    await expect(readLog(`jsonl:${bad}`)).rejects.toThrow(/bad\.jsonl line 2 propensity/);
    const broken = file('broken.jsonl', '{"action": "a", "reward": 1\n');
    await expect(readLog(`jsonl:${broken}`)).rejects.toSatisfy((e: unknown) => isResonateError(e, 'INVALID_JSON'));
  });

  it('refuses an unknown source kind and a missing file', async () => {
    await expect(readLog('csv:x.csv')).rejects.toSatisfy((e: unknown) => isResonateError(e, 'UNKNOWN_OPTION'));
    await expect(readLog(`obd:${join(dir, 'none.csv')}`)).rejects.toSatisfy((e: unknown) => isResonateError(e, 'FILE_NOT_FOUND'));
  });
});

describe('policies', () => {
  const logged: LoggedRow[] = [{ action: 'a', position: 1, reward: 0, propensity: 0.5 }, { action: 'b', position: 1, reward: 1, propensity: 0.5 }, { action: 'c', position: 2, reward: 0, propensity: 0.5 }];

  it('obd: the share of each position\'s rows that show each item, and the file\'s mean click as the truth', () => {
    const path = file('bts.csv', obd(['3,1,1,0.1,x,0,0', '3,1,0,0.1,x,0,0', '5,1,0,0.1,x,0,0', '5,2,1,0.1,x,0,0']));
    const p = resolvePolicy(`obd:${path}`, logged);
    expect(p.distribution(1)).toEqual(new Map([['3', 2 / 3], ['5', 1 / 3]]));
    expect(p.distribution(2)).toEqual(new Map([['5', 1]]));
    expect(p.distribution(3).size).toBe(0);
    expect(p.onPolicy).toBe(0.5);
  });

  it('uniform: every logged action, equally likely, at every position', () => {
    const p = resolvePolicy('uniform', logged);
    expect(p.distribution(7)).toEqual(new Map([['a', 1 / 3], ['b', 1 / 3], ['c', 1 / 3]]));
  });

  it('a JSON file: one distribution for every position, positions overriding it', () => {
    const path = file('policy.json', JSON.stringify({ actions: { a: 1 }, positions: { 2: { b: 0.25, c: 0.75 } }, onPolicy: 0.2 }));
    const p = resolvePolicy(path, logged);
    expect(p.distribution(1)).toEqual(new Map([['a', 1]]));
    expect(p.distribution(2)).toEqual(new Map([['b', 0.25], ['c', 0.75]]));
    expect(p.onPolicy).toBe(0.2);
    const bad = file('bad.json', JSON.stringify({ actions: { a: 0.5, b: 0.4 } }));
    expect(() => resolvePolicy(bad, logged)).toThrow(/bad\.json actions: probabilities sum to 0\.9/);
    expect(isResonateError(thrown(() => resolvePolicy('greedy', logged)), 'UNKNOWN_OPTION')).toBe(true);
  });
});

describe('rows that cannot be weighted', () => {
  const policy = resolvePolicy('uniform', [{ action: 'a', position: 1, reward: 0 }, { action: 'b', position: 1, reward: 0 }]);
  const rows = (propensities: (number | undefined)[]): LoggedRow[] => propensities.map((p, i) => ({ action: i % 2 ? 'b' : 'a', position: 1, reward: i % 3 === 0 ? 1 : 0, ...(p === undefined ? {} : { propensity: p }) }));

  it('a log without propensities is PROPENSITY_MISSING, naming the rows', () => {
    const e = thrown(() => runOpe({ source: 't', rows: rows([0.5, undefined, 0.5, 0.5, undefined]) }, policy, { resamples: 1 }));
    expect(isResonateError(e, 'PROPENSITY_MISSING')).toBe(true);
    expect((e as Error).message).toMatch(/^2 of 5 logged rows have no propensity \(rows 2, 5\)/);
  });

  it('a zero propensity for an action the policy takes is PROPENSITY_ZERO, naming the rows; the first ten and a count of the rest', () => {
    const e = thrown(() => runOpe({ source: 't', rows: rows([0.5, 0, 0.5, 0.5, 0]) }, policy, { resamples: 1 }));
    expect(isResonateError(e, 'PROPENSITY_ZERO')).toBe(true);
    expect((e as Error).message).toMatch(/^2 logged rows have propensity 0 .*\(rows 2, 5\)/);
    const many = thrown(() => runOpe({ source: 't', rows: rows(Array.from({ length: 13 }, () => 0)) }, policy, { resamples: 1 }));
    expect((many as Error).message).toMatch(/\(rows 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 3 more\)/);
  });

  it('a zero propensity for an action the policy never takes weighs 0 and is accepted', () => {
    const onlyA = resolvePolicy(file('only-a.json', JSON.stringify({ actions: { a: 1 } })), []);
    const { result } = runOpe({ source: 't', rows: rows([0.5, 0, 0.5, 0, 0.5, 0]) }, onlyA, { resamples: 5, folds: 1 });
    // rows 1, 3, 5 show a (rewards 1, 0, 0) with propensity 0.5: IPS = (2·1 + 2·0 + 2·0) / 6
    expect(result.estimators.ips.value).toBeCloseTo(1 / 3, 12);
    expect(result.weights.zeroShare).toBe(0.5);
  });
});
