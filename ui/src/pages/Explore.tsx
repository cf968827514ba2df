// Explore: the tables with their schema and sizes, a question box (plain language to SQL, shown in the
// editor, where it can be changed and run again), a SQL editor (completion, Ctrl/Cmd+Enter runs), and the
// result as a chart picked from its shape (switchable), a sortable paged table, CSV export and "Add to
// dashboard". #/explore?sql=...&run=1 opens it with a statement (and runs it).
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  ApiError,
  AskAnswer,
  TableDetail,
  TableSummary,
  ask,
  sql as runSql,
  table as fetchTable,
  tables as fetchTables,
} from '../api';
import { CHART_LABELS, ChartType, chartsFor, chooseChart } from '../lib/chart_choice';
import { QueryResult, StatementDone, isQueryResult, toCsv } from '../lib/result';
import { formatBytes, formatNumber, formatSeconds } from '../lib/format';
import { quoteIdent } from '../lib/ddl';
import { navigate } from '../lib/router';
import { refreshSchema } from '../schema';
import { useLoad } from '../components/hooks';
import { SqlEditor } from '../components/SqlEditor';
import { ErrorBox } from '../components/ErrorBox';
import { ResultChart } from '../components/ResultView';
import { ResultTable } from '../components/ResultTable';
import { AddToDashboard } from '../components/AddToDashboard';

const LAST_SQL_KEY = 'aurora.explore.sql';
const DEFAULT_SQL = 'SELECT region, count() AS events\nFROM events\nGROUP BY region\nORDER BY events DESC';

type Outcome =
  | { kind: 'rows'; result: QueryResult; ms: number }
  | { kind: 'done'; answer: StatementDone; ms: number };

export function Explore({ params }: { params: Record<string, string> }) {
  const [text, setText] = useState(() => params.sql ?? localStorage.getItem(LAST_SQL_KEY) ?? DEFAULT_SQL);
  const [running, setRunning] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [picked, setPicked] = useState<ChartType | null>(null);
  const [adding, setAdding] = useState(false);
  const [tablesVersion, setTablesVersion] = useState(0);
  const [question, setQuestion] = useState('');
  const [asking, setAsking] = useState(false);
  const [answer, setAnswer] = useState<AskAnswer | null>(null);
  const abort = useRef<AbortController | null>(null);
  const textRef = useRef(text);
  textRef.current = text;

  const run = async (statement = textRef.current) => {
    if (statement.trim() === '') return;
    abort.current?.abort();
    const ctl = new AbortController();
    abort.current = ctl;
    setRunning(true);
    setError(null);
    localStorage.setItem(LAST_SQL_KEY, statement);
    const started = performance.now();
    try {
      const r = await runSql(statement, { signal: ctl.signal });
      const ms = performance.now() - started;
      if (isQueryResult(r)) {
        setOutcome({ kind: 'rows', result: r, ms });
        setPicked(null);
      } else {
        setOutcome({ kind: 'done', answer: r ?? {}, ms });
        if (/^\s*(CREATE|DROP|ALTER|TRUNCATE|INSERT)\b/i.test(statement)) {
          void refreshSchema();
          setTablesVersion((v) => v + 1);
        }
      }
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') return;
      setError(e);
      setOutcome(null);
    } finally {
      if (abort.current === ctl) {
        abort.current = null;
        setRunning(false);
      }
    }
  };

  const askQuestion = async (e: Event) => {
    e.preventDefault();
    if (question.trim() === '') return;
    abort.current?.abort();
    setAsking(true);
    setError(null);
    try {
      const a = await ask(question.trim());
      setAnswer(a);
      if (a.answered && a.sql) {
        setText(a.sql);
        localStorage.setItem(LAST_SQL_KEY, a.sql);
        if (a.result) {
          setOutcome({ kind: 'rows', result: a.result, ms: a.ms });
          setPicked(null);
        } else if (a.error) {
          setError(new ApiError(400, a.error.code, a.error.message));
          setOutcome(null);
        }
      }
    } catch (err) {
      setError(err);
      setAnswer(null);
    } finally {
      setAsking(false);
    }
  };

  // Another page opened Explore with a statement.
  useEffect(() => {
    if (params.sql !== undefined) {
      setText(params.sql);
      if (params.run === '1') {
        void run(params.sql);
        navigate(`#/explore?sql=${encodeURIComponent(params.sql)}`); // a reload does not run it again
      }
    }
  }, [params.sql, params.run]);

  useEffect(() => () => abort.current?.abort(), []);

  const result = outcome?.kind === 'rows' ? outcome.result : null;
  const auto = useMemo(() => (result ? chooseChart(result.meta, result.data.length) : 'table'), [result]);
  const chart = picked ?? auto;
  const available = useMemo(() => (result ? chartsFor(result.meta) : []), [result]);
  const errorPos = error instanceof ApiError && error.line !== undefined
    ? { line: error.line, column: error.column ?? 1 }
    : null;

  const exportCsv = () => {
    if (!result) return;
    const blob = new Blob([toCsv(result)], { type: 'text/csv;charset=utf-8' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'result.csv';
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };

  return (
    <section class="page explore">
      <h1>Explore</h1>
      <div class="explore-layout">
        <TablesPanel version={tablesVersion} onQuery={(name) => {
          const s = `SELECT *\nFROM ${quoteIdent(name)}\nLIMIT 100`;
          setText(s);
          void run(s);
        }} />
        <div class="explore-main">
          <form class="ask-block" onSubmit={(e) => void askQuestion(e)}>
            <label class="label-text" for="ask-input">Ask a question</label>
            <div class="row">
              <input
                id="ask-input"
                name="question"
                type="search"
                autocomplete="off"
                placeholder="e.g. top 5 brands by purchases this week"
                value={question}
                onInput={(e) => setQuestion((e.target as HTMLInputElement).value)}
              />
              <button type="submit" class="primary" disabled={asking || question.trim() === ''}>
                {asking ? 'Asking…' : 'Ask'}
              </button>
            </div>
            {answer && answer.answered && (
              <p class="help" role="status" data-testid="ask-explanation">
                {answer.explanation} The SQL is in the editor below; change it and run it again as you like.
              </p>
            )}
            {answer && !answer.answered && (
              <div class="notice" role="status" data-testid="ask-unanswered">
                <p>{answer.message ?? "Aurora can't answer that question with confidence."} Try the table's column or value names:</p>
                <ul>
                  {(answer.suggestions ?? []).map((s) => <li key={s}>{s}</li>)}
                </ul>
              </div>
            )}
          </form>
          <div class="editor-block">
            <span class="label-text" id="sql-label">SQL</span>
            <SqlEditor
              id="explore-sql"
              value={text}
              onChange={setText}
              onRun={() => void run()}
              error={errorPos}
              label="SQL statement; Control or Command plus Enter runs it"
              placeholder="SELECT ... (Ctrl/Cmd+Enter runs)"
              minLines={6}
            />
            <div class="row">
              <button type="button" class="primary" onClick={() => void run()} disabled={running} aria-keyshortcuts="Control+Enter Meta+Enter">
                {running ? 'Running…' : 'Run'}
              </button>
              {running && <button type="button" onClick={() => abort.current?.abort()}>Cancel</button>}
              <span class="help">Ctrl/Cmd+Enter runs · Ctrl+Space completes names</span>
            </div>
          </div>
          <ErrorBox error={error} title="The statement failed" />
          {outcome?.kind === 'done' && (
            <p class="notice" role="status">
              Done{outcome.answer.rows_written !== undefined ? `: ${formatNumber(outcome.answer.rows_written)} rows written` : ''} in {formatSeconds(outcome.ms / 1000)}.
            </p>
          )}
          {result && (
            <div class="result" aria-live="polite">
              <div class="result-bar">
                <p class="result-stats" role="status">
                  {formatNumber(result.rows ?? result.data.length)} rows
                  {result.statistics && (
                    <> in {formatSeconds(result.statistics.elapsed)} · read {formatNumber(result.statistics.rows_read)} rows, {formatBytes(result.statistics.bytes_read)}</>
                  )}
                </p>
                <div class="row">
                  <label>
                    <span class="label-text inline">Show as</span>
                    <select value={chart} onChange={(e) => setPicked((e.target as HTMLSelectElement).value as ChartType)}>
                      {available.map((c) => (
                        <option key={c} value={c}>{CHART_LABELS[c]}{c === auto ? ' (suggested)' : ''}</option>
                      ))}
                    </select>
                  </label>
                  <button type="button" onClick={exportCsv}>Export CSV</button>
                  <button type="button" onClick={() => setAdding(true)}>Add to dashboard</button>
                </div>
              </div>
              {chart !== 'table' && <div class="result-chart"><ResultChart result={result} chart={chart} /></div>}
              <ResultTable meta={result.meta} data={result.data} caption="Result rows" />
            </div>
          )}
        </div>
      </div>
      <AddToDashboard open={adding} onClose={() => setAdding(false)} sql={text} chart={chart} />
    </section>
  );
}

function TablesPanel({ version, onQuery }: { version: number; onQuery(name: string): void }) {
  const list = useLoad(fetchTables, [version]);
  return (
    <aside class="tables-panel" aria-labelledby="tables-title">
      <div class="row spread">
        <h2 id="tables-title">Tables</h2>
        <button type="button" class="small" onClick={() => { list.reload(); void refreshSchema(); }} aria-label="Reload the tables">↻</button>
      </div>
      <ErrorBox error={list.error} title="The tables could not be listed" onRetry={list.reload} />
      {list.data && list.data.length === 0 && <p class="muted">No tables yet. Connect a source or upload a file.</p>}
      <ul class="table-list">
        {(list.data ?? []).map((t) => <TableItem key={t.name} table={t} onQuery={onQuery} />)}
      </ul>
    </aside>
  );
}

function TableItem({ table, onQuery }: { table: TableSummary; onQuery(name: string): void }) {
  const [open, setOpen] = useState(false);
  const [detail, setDetail] = useState<TableDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (open && !detail) fetchTable(table.name).then(setDetail, setError);
  }, [open]);
  return (
    <li>
      <details open={open} onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
        <summary>
          <span class="table-name">{table.name}</span>
          <span class="muted small">{formatNumber(table.rows)} rows · {formatBytes(table.bytes_on_disk)}</span>
        </summary>
        <div class="table-detail">
          <ErrorBox error={error} />
          {detail && (
            <>
              <ul class="columns">
                {detail.columns.map((c) => (
                  <li key={c.name}><span>{c.name}</span> <span class="muted">{c.type}</span></li>
                ))}
              </ul>
              <dl class="facts">
                {detail.order_by && <><dt>Order by</dt><dd>{detail.order_by}</dd></>}
                {detail.partition_by && <><dt>Partition by</dt><dd>{detail.partition_by}</dd></>}
                <dt>Parts</dt><dd>{formatNumber(detail.parts)}</dd>
                {detail.compression_ratio !== undefined && <><dt>Compression</dt><dd>{detail.compression_ratio.toFixed(1)}×</dd></>}
                {detail.ingest_rows_per_second !== undefined && <><dt>Ingest</dt><dd>{formatNumber(detail.ingest_rows_per_second)} rows/s</dd></>}
                {!!detail.quarantined_rows && <><dt>Quarantined</dt><dd>{formatNumber(detail.quarantined_rows)}</dd></>}
              </dl>
            </>
          )}
          <button type="button" class="small" onClick={() => onQuery(table.name)}>Query {table.name}</button>
        </div>
      </details>
    </li>
  );
}
