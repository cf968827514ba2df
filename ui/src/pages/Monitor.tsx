// Monitor: the server's health from /metrics scraped every few seconds (rates are differences between
// scrapes, latency quantiles come from the histograms' buckets over the last minute) and from
// system.parts (sizes and compression per table): ingest per table and per source, lag, query latency,
// storage, merges and memory.
import { useState } from 'preact/hooks';
import { metricsText, query } from '../api';
import {
  Sample,
  Scrape,
  bucketsDelta,
  byLabel,
  counterRate,
  growthRate,
  histogramBuckets,
  histogramQuantile,
  metricSum,
  metricValue,
  parsePrometheus,
} from '../lib/prometheus';
import { cellNumber } from '../lib/result';
import { formatBytes, formatNumber, formatRate, formatSeconds } from '../lib/format';
import { usePoll } from '../components/hooks';
import { ErrorBox } from '../components/ErrorBox';
import { Sparkline } from '../components/Sparkline';

const POLL_MS = 5000;
const KEEP = 60; // scrapes: five minutes
const LATENCY_WINDOW_MS = 60_000;

interface PartsRow {
  table: string;
  parts: number;
  rows: number;
  bytes: number;
  compressed: number;
  uncompressed: number;
}

const PARTS_SQL =
  'SELECT table, count() AS parts, sum(rows) AS rows, sum(bytes_on_disk) AS bytes, ' +
  'sum(data_compressed_bytes) AS compressed, sum(data_uncompressed_bytes) AS uncompressed ' +
  'FROM system.parts GROUP BY table ORDER BY table';

// Rate of a counter (or growth of a gauge) between each pair of consecutive scrapes.
function rateSeries(
  history: Scrape[],
  value: (s: Sample[]) => number | undefined,
  rate: typeof counterRate = counterRate,
): Array<number | undefined> {
  const out: Array<number | undefined> = [];
  for (let i = 1; i < history.length; i++) {
    out.push(rate(value(history[i - 1].samples), value(history[i].samples), (history[i].atMs - history[i - 1].atMs) / 1000));
  }
  return out;
}

function last<T>(xs: T[]): T | undefined {
  return xs[xs.length - 1];
}

// Quantiles of a histogram over the last minute, or since the start when nothing was observed lately.
function latency(history: Scrape[], name: string) {
  const latest = last(history);
  if (!latest) return null;
  const cur = histogramBuckets(latest.samples, name);
  const startIdx = history.findIndex((s) => latest.atMs - s.atMs <= LATENCY_WINDOW_MS);
  const start = startIdx >= 0 && history[startIdx] !== latest ? history[startIdx] : null;
  let buckets = start ? bucketsDelta(histogramBuckets(start.samples, name), cur) : cur;
  let window = start ? 'last minute' : 'since start';
  if (!(last(buckets)?.count)) {
    buckets = cur;
    window = 'since start';
  }
  const count = last(buckets)?.count ?? 0;
  return {
    window,
    count,
    p50: histogramQuantile(buckets, 0.5),
    p95: histogramQuantile(buckets, 0.95),
    p99: histogramQuantile(buckets, 0.99),
  };
}

export function Monitor() {
  const [history, setHistory] = useState<Scrape[]>([]);
  const [parts, setParts] = useState<PartsRow[] | null>(null);
  const [running, setRunning] = useState<number | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [partsError, setPartsError] = useState<unknown>(null);

  const poll = () => {
    metricsText().then(
      (text) => {
        setHistory((h) => [...h.slice(-(KEEP - 1)), { atMs: Date.now(), samples: parsePrometheus(text) }]);
        setError(null);
      },
      setError,
    );
    query(PARTS_SQL).then(
      (r) => {
        setParts(r.data.map((row) => ({
          table: String(row[0]),
          parts: cellNumber(row[1]),
          rows: cellNumber(row[2]),
          bytes: cellNumber(row[3]),
          compressed: cellNumber(row[4]),
          uncompressed: cellNumber(row[5]),
        })));
        setPartsError(null);
      },
      setPartsError,
    );
    query("SELECT value FROM system.metrics WHERE metric = 'Query'").then(
      (r) => setRunning(r.data.length ? cellNumber(r.data[0][0]) : undefined),
      () => setRunning(undefined),
    );
  };
  usePoll(poll, POLL_MS);

  const latest = last(history);
  const samples = latest?.samples ?? [];
  const tables = [...byLabel(samples, 'aurora_table_rows', 'table').keys()].sort();
  const sourceNames = [...byLabel(samples, 'aurora_source_lag', 'source').keys()].sort();
  const sourceTable = new Map<string, string>();
  for (const s of samples) if (s.name === 'aurora_source_lag') sourceTable.set(s.labels.source, s.labels.table);

  // Ingest is the growth of each table's rows: the events API, sources, INSERT and the demo alike.
  const tableIngest = (table: string) => rateSeries(history, (ss) => metricValue(ss, 'aurora_table_rows', { table }), growthRate);
  const perTable = new Map(tables.map((t) => [t, tableIngest(t)]));
  const totalIngest = history.slice(1).map((_, i) => {
    let sum: number | undefined;
    for (const series of perTable.values()) if (series[i] !== undefined) sum = (sum ?? 0) + (series[i] as number);
    return sum;
  });
  const queries = rateSeries(history, (ss) => metricSum(ss, 'aurora_queries_total'));
  const queryErrors = rateSeries(history, (ss) => metricValue(ss, 'aurora_queries_total', { status: 'error' }));
  const rss = history.map((h) => metricValue(h.samples, 'aurora_memory_resident_bytes'));
  const q = latency(history, 'aurora_query_duration_seconds');
  const ing = latency(history, 'aurora_ingest_duration_seconds');
  const partsByTable = new Map((parts ?? []).map((p) => [p.table, p]));
  const totalCompressed = (parts ?? []).reduce((a, p) => a + p.compressed, 0);
  const totalUncompressed = (parts ?? []).reduce((a, p) => a + p.uncompressed, 0);
  const totalDisk = metricSum(samples, 'aurora_table_bytes_on_disk');

  return (
    <section class="page monitor">
      <h1>Monitor</h1>
      <p class="help">Every {POLL_MS / 1000} s from /metrics and system tables; rates are per second between readings.</p>
      <ErrorBox error={error} title="The metrics could not be read" onRetry={poll} />
      {!latest && !error && <p class="muted" aria-busy="true">Reading the metrics…</p>}
      {latest && (
        <>
          <div class="tiles">
            <Tile label="Ingest" value={formatRate(last(totalIngest), ' rows/s')} spark={totalIngest} sparkLabel="Rows ingested per second" />
            <Tile label="Queries" value={formatRate(last(queries))} spark={queries} sparkLabel="Statements per second"
              note={`${formatRate(last(queryErrors))} failing${running !== undefined ? ` · ${running} running` : ''}`} />
            <Tile label={`Query latency (${q?.window ?? '–'})`} value={`p50 ${formatSeconds(q?.p50)}`}
              note={`p95 ${formatSeconds(q?.p95)} · p99 ${formatSeconds(q?.p99)} · ${formatNumber(q?.count ?? 0)} statements`} />
            <Tile label={`Ingest latency (${ing?.window ?? '–'})`} value={`p50 ${formatSeconds(ing?.p50)}`}
              note={`p95 ${formatSeconds(ing?.p95)} · p99 ${formatSeconds(ing?.p99)}`} />
            <Tile label="Memory (RSS)" value={formatBytes(last(rss))} spark={rss} sparkLabel="Resident memory"
              note={`${formatNumber(metricValue(samples, 'aurora_http_connections'))} connections · ${formatNumber(metricValue(samples, 'aurora_http_requests_in_flight'))} in flight`} />
            <Tile label="Storage" value={formatBytes(totalDisk)}
              note={totalCompressed > 0 ? `compression ${(totalUncompressed / totalCompressed).toFixed(1)}×` : 'no parts yet'} />
          </div>

          <section class="card" aria-labelledby="mon-tables">
            <h2 id="mon-tables">Tables</h2>
            <ErrorBox error={partsError} title="system.parts could not be read" />
            <div class="table-scroll">
              <table class="list-table">
                <thead>
                  <tr>
                    <th scope="col">Table</th><th scope="col">Ingest</th><th scope="col" class="num">Rows</th>
                    <th scope="col" class="num">Buffered</th><th scope="col" class="num">On disk</th>
                    <th scope="col" class="num">Compression</th><th scope="col" class="num">Parts</th>
                    <th scope="col" class="num">Merges</th><th scope="col" class="num">WAL</th>
                  </tr>
                </thead>
                <tbody>
                  {tables.map((t) => {
                    const series = perTable.get(t) ?? [];
                    const p = partsByTable.get(t);
                    const merges = rateSeries(history, (ss) => metricValue(ss, 'aurora_table_merges_total', { table: t }));
                    return (
                      <tr key={t}>
                        <th scope="row">{t}</th>
                        <td><div class="rate"><Sparkline values={series} label={`Rows per second into ${t}`} /><span>{formatRate(last(series))}</span></div></td>
                        <td class="num">{formatNumber(metricValue(samples, 'aurora_table_rows', { table: t }))}</td>
                        <td class="num">{formatNumber(metricValue(samples, 'aurora_table_buffered_rows', { table: t }))}</td>
                        <td class="num">{formatBytes(metricValue(samples, 'aurora_table_bytes_on_disk', { table: t }))}</td>
                        <td class="num">{p && p.compressed > 0 ? `${(p.uncompressed / p.compressed).toFixed(1)}×` : '–'}</td>
                        <td class="num">{formatNumber(metricValue(samples, 'aurora_table_parts', { table: t }))}</td>
                        <td class="num">
                          {formatNumber(metricValue(samples, 'aurora_table_merges_total', { table: t }))}
                          <div class="muted small">{last(merges) === undefined ? '' : formatRate((last(merges) as number) * 60, '/min')}</div>
                        </td>
                        <td class="num">{formatBytes(metricValue(samples, 'aurora_table_wal_bytes', { table: t }))}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            {tables.length === 0 && <p class="muted">No tables yet.</p>}
          </section>

          <section class="card" aria-labelledby="mon-sources">
            <h2 id="mon-sources">Sources</h2>
            {sourceNames.length === 0 ? <p class="muted">No Kafka sources.</p> : (
              <div class="table-scroll">
                <table class="list-table">
                  <thead>
                    <tr>
                      <th scope="col">Source</th><th scope="col">State</th><th scope="col">Messages/s</th>
                      <th scope="col">Rows/s</th><th scope="col" class="num">Lag</th><th scope="col" class="num">Quarantined</th>
                    </tr>
                  </thead>
                  <tbody>
                    {sourceNames.map((s) => {
                      const mps = history.map((h) => metricValue(h.samples, 'aurora_source_messages_per_second', { source: s }));
                      const lag = history.map((h) => metricValue(h.samples, 'aurora_source_lag', { source: s }));
                      const rows = rateSeries(history, (ss) => metricValue(ss, 'aurora_source_rows_total', { source: s }));
                      const state = samples.find((x) => x.name === 'aurora_source_state' && x.labels.source === s && x.value === 1)?.labels.state;
                      return (
                        <tr key={s}>
                          <th scope="row">{s}<div class="muted small">→ {sourceTable.get(s)}</div></th>
                          <td><span class={`badge state-${state ?? 'unknown'}`}>{state ?? 'unknown'}</span></td>
                          <td><div class="rate"><Sparkline values={mps} label={`Messages per second of ${s}`} /><span>{formatRate(last(mps))}</span></div></td>
                          <td>{formatRate(last(rows))}</td>
                          <td class="num"><div class="rate"><Sparkline values={lag} label={`Lag of ${s}`} /><span>{formatNumber(last(lag))}</span></div></td>
                          <td class="num">{formatNumber(metricValue(samples, 'aurora_source_quarantined_total', { source: s }))}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </section>
  );
}

function Tile({ label, value, note, spark, sparkLabel }: {
  label: string;
  value: string;
  note?: string;
  spark?: Array<number | undefined>;
  sparkLabel?: string;
}) {
  return (
    <div class="tile">
      <p class="tile-label">{label}</p>
      <p class="tile-value">{value}</p>
      {spark && <Sparkline values={spark} label={sparkLabel ?? label} width={160} height={32} />}
      {note && <p class="tile-note">{note}</p>}
    </div>
  );
}
