// Query parameters ({name:Type} placeholders) in SQL text, and the values a dashboard passes for them:
// {from:DateTime} and {to:DateTime} are the time range, any other name is a dashboard variable.
import { lexicalState } from './completion';
import { TimeRange, formatAbsolute, resolveRange } from './time_range';

export interface Placeholder {
  name: string;
  type: string;
}

// Every distinct placeholder of `sql`, in the order first met (string literals and comments skipped).
export function placeholders(sql: string): Placeholder[] {
  const out: Placeholder[] = [];
  const seen = new Set<string>();
  const re = /\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^{}]+?)\s*\}/g;
  for (const m of sql.matchAll(re)) {
    if (lexicalState(sql, m.index ?? 0) !== 'code' || seen.has(m[1])) continue;
    seen.add(m[1]);
    out.push({ name: m[1], type: m[2] });
  }
  return out;
}

export interface DashboardVariable {
  name: string;
  type: string;
  value: string;
}

// The parameters to send with `sql` when it runs outside the live stream (panel preview): the range's
// ends as UTC times, variables by name. Only placeholders the statement has are sent; one without a value
// is reported so the caller can say which.
export function panelParams(
  sql: string,
  range: TimeRange,
  variables: DashboardVariable[],
  nowMs: number,
): { params: Record<string, string>; missing: string[] } {
  const params: Record<string, string> = {};
  const missing: string[] = [];
  const needed = placeholders(sql);
  const needsRange = needed.some((p) => p.name === 'from' || p.name === 'to');
  const resolved = needsRange ? resolveRange(range, nowMs) : null;
  for (const p of needed) {
    if (p.name === 'from' && resolved) params.from = formatAbsolute(resolved.fromMs);
    else if (p.name === 'to' && resolved) params.to = formatAbsolute(resolved.toMs);
    else {
      const v = variables.find((x) => x.name === p.name);
      if (v) params[p.name] = v.value;
      else missing.push(p.name);
    }
  }
  return { params, missing };
}
