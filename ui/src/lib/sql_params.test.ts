import { describe, expect, it } from 'vitest';
import { panelParams, placeholders } from './sql_params';

describe('placeholders', () => {
  it('finds each placeholder once, outside strings and comments', () => {
    const sql = "SELECT count() FROM events WHERE timestamp >= {from:DateTime} AND timestamp < {to: DateTime}\n" +
      "AND region = {region:String} AND x = '{nope:String}' -- {no:UInt8}\nAND t > {from:DateTime}";
    expect(placeholders(sql)).toEqual([
      { name: 'from', type: 'DateTime' },
      { name: 'to', type: 'DateTime' },
      { name: 'region', type: 'String' },
    ]);
    expect(placeholders('SELECT {a:Nullable(String)}')).toEqual([{ name: 'a', type: 'Nullable(String)' }]);
  });
});

describe('panelParams', () => {
  const now = Date.UTC(2024, 0, 2, 0, 0, 0);
  it('resolves the range to UTC text and takes variables by name', () => {
    const r = panelParams('SELECT {from:DateTime}, {to:DateTime}, {region:String}', { from: 'now-1d', to: 'now' },
      [{ name: 'region', type: 'String', value: 'uk' }, { name: 'unused', type: 'String', value: 'x' }], now);
    expect(r).toEqual({ params: { from: '2024-01-01 00:00:00', to: '2024-01-02 00:00:00', region: 'uk' }, missing: [] });
  });

  it('names placeholders without a value and skips the range when unused', () => {
    expect(panelParams('SELECT {device:String}', { from: 'bad', to: 'now' }, [], now))
      .toEqual({ params: {}, missing: ['device'] });
    expect(() => panelParams('SELECT {from:DateTime}', { from: 'bad', to: 'now' }, [], now)).toThrow(/not a time/);
  });
});
