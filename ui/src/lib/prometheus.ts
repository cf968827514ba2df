// The server's /metrics (Prometheus text format 0.0.4) read in the browser: samples, per-label values,
// rates between two scrapes and quantiles of histograms, as Prometheus computes them.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Scrape {
  atMs: number;
  samples: Sample[];
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const re = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    labels[m[1]] = m[2].replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
    if (re.lastIndex >= text.length) break;
  }
  return labels;
}

function parseValue(text: string): number {
  switch (text) {
    case '+Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
    case 'NaN':
      return NaN;
    default:
      return Number(text);
  }
}

export function parsePrometheus(text: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z_:][A-Za-z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    out.push({ name: m[1], labels: m[3] ? parseLabels(m[3]) : {}, value: parseValue(m[4]) });
  }
  return out;
}

function labelsMatch(sample: Sample, want: Record<string, string>): boolean {
  return Object.entries(want).every(([k, v]) => sample.labels[k] === v);
}

// The first sample named `name` whose labels include `labels`, or undefined.
export function metricValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && labelsMatch(s, labels))?.value;
}

// The sum of every sample named `name` whose labels include `labels`.
export function metricSum(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const s of samples) if (s.name === name && labelsMatch(s, labels)) sum += s.value;
  return sum;
}

// Values of `name` by the value of one label (summed over the other labels).
export function byLabel(samples: Sample[], name: string, label: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    if (s.name !== name || s.labels[label] === undefined) continue;
    out.set(s.labels[label], (out.get(s.labels[label]) ?? 0) + s.value);
  }
  return out;
}

// Per-second increase of a counter between two readings; a counter that went down restarted from 0.
export function counterRate(before: number | undefined, after: number | undefined, seconds: number): number | undefined {
  if (before === undefined || after === undefined || !(seconds > 0)) return undefined;
  const increase = after >= before ? after - before : after;
  return increase / seconds;
}

// Per-second growth of a gauge that mostly rises (rows in a table); a fall (a truncated or dropped
// table) counts as no growth.
export function growthRate(before: number | undefined, after: number | undefined, seconds: number): number | undefined {
  if (before === undefined || after === undefined || !(seconds > 0)) return undefined;
  return Math.max(0, after - before) / seconds;
}

export interface Bucket {
  le: number;
  count: number; // cumulative
}

// The cumulative buckets of histogram `name`, ordered by bound.
export function histogramBuckets(samples: Sample[], name: string): Bucket[] {
  const out: Bucket[] = [];
  for (const s of samples) {
    if (s.name !== `${name}_bucket` || s.labels.le === undefined) continue;
    out.push({ le: parseValue(s.labels.le), count: s.value });
  }
  return out.sort((a, b) => a.le - b.le);
}

// The buckets of what was observed between two scrapes (all of `after` when the counts went down).
export function bucketsDelta(before: Bucket[], after: Bucket[]): Bucket[] {
  const prior = new Map(before.map((b) => [b.le, b.count]));
  const reset = after.some((b) => (prior.get(b.le) ?? 0) > b.count);
  return after.map((b) => ({ le: b.le, count: reset ? b.count : b.count - (prior.get(b.le) ?? 0) }));
}

// The q-quantile (0..1) of a histogram, interpolating linearly inside the bucket it falls in, as
// Prometheus' histogram_quantile does; undefined without observations. A quantile in the +Inf bucket is
// the highest finite bound.
export function histogramQuantile(buckets: Bucket[], q: number): number | undefined {
  if (buckets.length === 0) return undefined;
  const total = buckets[buckets.length - 1].count;
  if (!(total > 0)) return undefined;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (b.le === Infinity) return lowerBound;
      const inBucket = b.count - lowerCount;
      if (inBucket <= 0) return b.le;
      return lowerBound + (b.le - lowerBound) * ((rank - lowerCount) / inBucket);
    }
    lowerBound = b.le === Infinity ? lowerBound : b.le;
    lowerCount = b.count;
  }
  return lowerBound;
}
