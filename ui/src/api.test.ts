import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, onUnauthenticated, request, sql } from './api';

type Call = { url: string; init: RequestInit };

function fakeFetch(status: number, body: string, calls: Call[]) {
  return vi.fn(async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(status === 204 ? null : body, { status, statusText: 'X' });
  });
}

// The ApiError a call fails with (a call that succeeds fails the test).
const failure = (p: Promise<unknown>): Promise<ApiError> =>
  p.then(() => { throw new Error('the call succeeded'); }, (x: unknown) => x as ApiError);

afterEach(() => {
  vi.unstubAllGlobals();
  onUnauthenticated(null);
});

describe('request', () => {
  it('sends the CSRF header on everything but GET, and the cookie', async () => {
    const calls: Call[] = [];
    vi.stubGlobal('fetch', fakeFetch(200, '{"ok":true}', calls));
    await request('GET', '/v1/me');
    await request('POST', '/v1/sql', { json: { query: 'SELECT 1' } });
    await request('DELETE', '/v1/session');
    const headers = calls.map((c) => c.init.headers as Record<string, string>);
    expect(headers[0]['X-Aurora-CSRF']).toBeUndefined();
    expect(headers[1]['X-Aurora-CSRF']).toBe('1');
    expect(headers[1]['Content-Type']).toBe('application/json');
    expect(headers[2]['X-Aurora-CSRF']).toBe('1');
    expect(calls.every((c) => c.init.credentials === 'same-origin')).toBe(true);
  });

  it('asks for JSONCompact with params and settings', async () => {
    const calls: Call[] = [];
    vi.stubGlobal('fetch', fakeFetch(200, '{"meta":[],"data":[],"rows":0}', calls));
    await sql('SELECT {a:UInt8}', { params: { a: 1 } });
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ query: 'SELECT {a:UInt8}', params: { a: 1 }, settings: {}, format: 'JSONCompact' });
  });

  it('turns error bodies into ApiError with the next step, and reports a lost session', async () => {
    const calls: Call[] = [];
    vi.stubGlobal('fetch', fakeFetch(400, '{"error":{"code":"INVALID_ARGUMENT","message":"syntax error","line":2,"column":5}}', calls));
    const e = await failure(request('POST', '/v1/sql'));
    expect(e).toBeInstanceOf(ApiError);
    expect([e.status, e.code, e.message, e.line, e.column]).toEqual([400, 'INVALID_ARGUMENT', 'syntax error', 2, 5]);
    expect(e.nextStep).toMatch(/where the editor marks it/);

    const lost: ApiError[] = [];
    onUnauthenticated((x) => lost.push(x));
    vi.stubGlobal('fetch', fakeFetch(401, '{"error":{"code":"UNAUTHENTICATED","message":"no session"}}', calls));
    await request('GET', '/v1/tables').catch(() => undefined);
    await request('POST', '/v1/session', { expectUnauthenticated: true }).catch(() => undefined);
    expect(lost.map((x) => x.message)).toEqual(['no session']);

    vi.stubGlobal('fetch', fakeFetch(403, '{"error":{"code":"PERMISSION_DENIED","message":"needs CREATE on t"}}', calls));
    const denied = await failure(request('PUT', '/v1/dashboards/x'));
    expect(denied.nextStep).toMatch(/ask an admin/i);
  });

  it('reads a streamed error line and non-JSON errors', async () => {
    const calls: Call[] = [];
    vi.stubGlobal('fetch', fakeFetch(200, '{"meta":[{"name":"x"\n{"error":{"code":"RESOURCE_EXHAUSTED","message":"memory limit exceeded"}}\n', calls));
    const e = await failure(request('POST', '/v1/sql'));
    expect([e.code, e.message]).toEqual(['RESOURCE_EXHAUSTED', 'memory limit exceeded']);
    vi.stubGlobal('fetch', fakeFetch(502, 'Bad gateway', calls));
    const g = await failure(request('GET', '/v1/tables'));
    expect([g.status, g.code, g.message]).toEqual([502, 'HTTP_502', '502 X: Bad gateway']);
    vi.stubGlobal('fetch', fakeFetch(204, '', calls));
    expect(await request('DELETE', '/v1/dashboards/x')).toBeUndefined();
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('failed'); }));
    const u = await failure(request('GET', '/v1/me'));
    expect([u.status, u.code]).toEqual([0, 'UNAVAILABLE']);
  });
});
