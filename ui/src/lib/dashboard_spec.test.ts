import { describe, expect, it } from 'vitest';
import { emptySpec, nextPanelId, placeNewPanel, readingOrder, specProblems } from './dashboard_spec';

const panel = (id: string, x: number, y: number, w: number, h: number) =>
  ({ id, x, y, w, h, title: id, sql: 'SELECT 1', chart: 'stat' as const });

describe('dashboard spec', () => {
  it('numbers new panels after the highest id', () => {
    expect(nextPanelId([])).toBe('p1');
    expect(nextPanelId([{ id: 'p1' }, { id: 'p7' }, { id: 'custom' }])).toBe('p8');
  });

  it('places a new panel beside the last row when it fits, else below everything', () => {
    expect(placeNewPanel([], 6, 4)).toEqual({ x: 0, y: 0, w: 6, h: 4 });
    expect(placeNewPanel([panel('p1', 0, 0, 6, 4)], 6, 4)).toEqual({ x: 6, y: 0, w: 6, h: 4 });
    expect(placeNewPanel([panel('p1', 0, 0, 6, 4), panel('p2', 6, 0, 6, 4)], 4, 3)).toEqual({ x: 0, y: 4, w: 4, h: 3 });
    expect(placeNewPanel([panel('p1', 0, 0, 4, 8), panel('p2', 4, 0, 4, 2)], 4, 2)).toEqual({ x: 8, y: 0, w: 4, h: 2 });
    expect(placeNewPanel([panel('p1', 0, 0, 12, 2)], 30, 2)).toEqual({ x: 0, y: 2, w: 12, h: 2 });
  });

  it('orders panels for reading', () => {
    expect(readingOrder([panel('b', 6, 0, 6, 2), panel('c', 0, 2, 6, 2), panel('a', 0, 0, 6, 2)]).map((p) => p.id))
      .toEqual(['a', 'b', 'c']);
  });

  it('finds what keeps a spec from being saved', () => {
    expect(specProblems(emptySpec())).toEqual([]);
    const spec = emptySpec();
    spec.panels = [panel('p1', 8, 0, 6, 2), { ...panel('p1', 0, 2, 6, 2), sql: ' ' }];
    spec.variables = [{ name: 'from', type: 'String', value: '' }, { name: 'r', type: '', value: '' }];
    expect(specProblems(spec)).toEqual([
      'panel "p1": x + width must be at most 12',
      'two panels have the id p1',
      'panel "p1" has no SQL',
      'variable "from": from and to are the time range',
      'variable "r" needs a type',
    ]);
  });
});
