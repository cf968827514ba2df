import { describe, expect, it } from 'vitest';
import { exploreHref, parseHash, routeHref } from './router';

describe('router', () => {
  it('parses paths and parameters', () => {
    expect(parseHash('')).toEqual({ path: [], params: {} });
    expect(parseHash('#/dashboards/a%20b')).toEqual({ path: ['dashboards', 'a b'], params: {} });
    expect(parseHash('#/explore?sql=SELECT%201&run=1')).toEqual({ path: ['explore'], params: { sql: 'SELECT 1', run: '1' } });
  });

  it('writes what it parses back', () => {
    const sql = "SELECT * FROM clicks_quarantine ORDER BY received_at DESC LIMIT 100";
    expect(parseHash(exploreHref(sql, true))).toEqual({ path: ['explore'], params: { sql, run: '1' } });
    expect(routeHref(['dashboards', 'x/y'])).toBe('#/dashboards/x%2Fy');
    expect(parseHash(routeHref(['dashboards', 'x/y'])).path).toEqual(['dashboards', 'x/y']);
  });
});
