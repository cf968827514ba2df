import { describe, expect, it } from 'vitest';
import { EventSourceLike, LiveState, PanelEvent, liveUrl, openLive, parsePanelEvent } from './sse';

class FakeSource implements EventSourceLike {
  readyState = 0;
  onopen: ((ev: Event) => unknown) | null = null;
  onerror: ((ev: Event) => unknown) | null = null;
  closed = false;
  listeners = new Map<string, (ev: MessageEvent) => void>();
  constructor(public url: string) {}
  addEventListener(type: string, listener: (ev: MessageEvent) => void) {
    this.listeners.set(type, listener);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  emit(type: string, data: string) {
    this.listeners.get(type)?.({ data } as MessageEvent);
  }
  fail(readyState: number) {
    this.readyState = readyState;
    this.onerror?.(new Event('error'));
  }
}

function harness() {
  const sources: FakeSource[] = [];
  const states: LiveState[] = [];
  const panels: PanelEvent[] = [];
  const bad: string[] = [];
  const timers: Array<{ fn: () => void; ms: number }> = [];
  let refused = 0;
  const close = openLive('/v1/dashboards/d1/live?from=now-1h&to=now', {
    onPanel: (e) => panels.push(e),
    onState: (s) => states.push(s),
    onRefused: () => refused++,
    onBadEvent: (p) => bad.push(p),
  }, {
    factory: (url) => {
      const s = new FakeSource(url);
      sources.push(s);
      return s;
    },
    retryDelaysMs: [100, 500],
    schedule: (fn, ms) => timers.push({ fn, ms }),
    cancel: () => {},
  });
  return { sources, states, panels, bad, timers, close, refused: () => refused };
}

describe('liveUrl', () => {
  it('passes the range and the variables as var_NAME, encoded', () => {
    expect(liveUrl('d 1', { from: 'now-15m', to: 'now' }, { region: 'us-east', q: 'a&b' }))
      .toBe('/v1/dashboards/d%201/live?from=now-15m&to=now&var_region=us-east&var_q=a%26b');
    expect(liveUrl('x', { from: '2024-01-01 00:00:00', to: 'now' }, {}))
      .toBe('/v1/dashboards/x/live?from=2024-01-01+00%3A00%3A00&to=now');
  });
});

describe('parsePanelEvent', () => {
  it('reads results and errors and refuses malformed events', () => {
    const ok = parsePanelEvent('{"panel":"p1","result":{"meta":[{"name":"n","type":"UInt64"}],"data":[["3"]],"rows":1},"at_ms":5}');
    expect(ok).toMatchObject({ panel: 'p1', at_ms: 5, result: { data: [['3']] } });
    const err = parsePanelEvent('{"panel":"p2","error":{"code":"NOT_FOUND","message":"no table"},"at_ms":6}');
    expect(err.error?.message).toBe('no table');
    expect(() => parsePanelEvent('nope')).toThrow(/not JSON/);
    expect(() => parsePanelEvent('{"result":{}}')).toThrow(/no "panel"/);
    expect(() => parsePanelEvent('{"panel":"p"}')).toThrow(/neither/);
    expect(() => parsePanelEvent('{"panel":"p","result":{"rows":1}}')).toThrow(/no meta and data/);
  });
});

describe('openLive', () => {
  it('reports states and delivers panel events', () => {
    const h = harness();
    expect(h.states).toEqual(['connecting']);
    h.sources[0].open();
    expect(h.states).toEqual(['connecting', 'live']);
    h.sources[0].emit('panel', '{"panel":"p1","result":{"meta":[],"data":[]},"at_ms":1}');
    h.sources[0].emit('panel', 'garbage');
    expect(h.panels.map((p) => p.panel)).toEqual(['p1']);
    expect(h.bad).toEqual(['a panel event is not JSON']);
  });

  it('lets the browser retry a dropped connection, and retries a refused one with backoff', () => {
    const h = harness();
    h.sources[0].open();
    h.sources[0].fail(0); // CONNECTING: the browser retries
    expect(h.sources).toHaveLength(1);
    expect(h.timers).toHaveLength(0);
    h.sources[0].fail(2); // CLOSED: refused
    expect(h.sources[0].closed).toBe(true);
    expect(h.refused()).toBe(1);
    expect(h.timers.map((t) => t.ms)).toEqual([100]);
    h.timers[0].fn();
    expect(h.sources).toHaveLength(2);
    h.sources[1].fail(2);
    h.timers[1].fn();
    h.sources[2].fail(2);
    expect(h.timers.map((t) => t.ms)).toEqual([100, 500, 500]);
    h.timers[2].fn();
    h.sources[3].open();
    expect(h.states.slice(-2)).toEqual(['reconnecting', 'live']);
    h.sources[2].open(); // a source already given up on changes nothing
    expect(h.states).toHaveLength(h.states.lastIndexOf('live') + 1);
  });

  it('closes for good and ignores a replaced source', () => {
    const h = harness();
    h.sources[0].open();
    h.close();
    expect(h.sources[0].closed).toBe(true);
    expect(h.states[h.states.length - 1]).toBe('stopped');
    h.sources[0].emit('panel', '{"panel":"p1","result":{"meta":[],"data":[]}}');
    expect(h.panels).toHaveLength(0);
  });
});
