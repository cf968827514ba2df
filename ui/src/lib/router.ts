// Hash routes of the app (#/explore?sql=...), parsed and written. The hash keeps every page reachable by
// address and the back button working without server-side routes.

export interface Route {
  // "#/dashboards/abc" -> ["dashboards", "abc"]
  path: string[];
  params: Record<string, string>;
}

export function parseHash(hash: string): Route {
  const h = hash.replace(/^#/, '').replace(/^\//, '');
  const q = h.indexOf('?');
  const pathText = q < 0 ? h : h.slice(0, q);
  const params: Record<string, string> = {};
  if (q >= 0) new URLSearchParams(h.slice(q + 1)).forEach((v, k) => (params[k] = v));
  const path = pathText.split('/').filter((s) => s !== '').map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  return { path, params };
}

export function routeHref(path: string[], params: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  const qs = q.toString();
  return '#/' + path.map(encodeURIComponent).join('/') + (qs ? `?${qs}` : '');
}

// The Explore page with a statement filled in (and run at once when `run`).
export function exploreHref(sql: string, run = false): string {
  return routeHref(['explore'], { sql, run: run ? '1' : undefined });
}

export function navigate(href: string): void {
  if (window.location.hash !== href) window.location.hash = href;
}
