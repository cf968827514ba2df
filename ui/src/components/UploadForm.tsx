// Upload a file (NDJSON or CSV): the server infers a schema from its first megabytes (POST /v1/infer),
// the user reviews and edits the column types, ORDER BY and PARTITION BY, then the app creates the table
// (CREATE TABLE through /v1/sql) and sends the whole file to /v1/events, and shows what was loaded and
// what was quarantined.
import { useMemo, useState } from 'preact/hooks';
import { ApiError, IngestAnswer, InferredSchema, infer, ingest, sql } from '../api';
import {
  COMMON_TYPES,
  FileFormat,
  createTableSql,
  formatForFile,
  isTableName,
  joinNullable,
  quoteIdent,
  splitNullable,
  tableNameForFile,
} from '../lib/ddl';
import { formatBytes, formatNumber } from '../lib/format';
import { exploreHref } from '../lib/router';
import { refreshSchema } from '../schema';
import { ErrorBox, errorMessage } from './ErrorBox';

const SAMPLE_BYTES = 4 * 1024 * 1024;
const CUSTOM = '__custom__';

interface ColumnEdit {
  name: string;
  base: string;
  nullable: boolean;
  custom: boolean;
}

// The first SAMPLE_BYTES of a file, cut after its last whole line.
async function sampleOf(file: File): Promise<Blob> {
  if (file.size <= SAMPLE_BYTES) return file;
  const head = new Uint8Array(await file.slice(0, SAMPLE_BYTES).arrayBuffer());
  const lastNewline = head.lastIndexOf(10);
  return new Blob([lastNewline > 0 ? head.subarray(0, lastNewline + 1) : head]);
}

function editsOf(schema: InferredSchema): ColumnEdit[] {
  return schema.columns.map((c) => {
    const { base, nullable } = splitNullable(c.type);
    return { name: c.name, base, nullable, custom: !COMMON_TYPES.includes(base) };
  });
}

export function UploadForm() {
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<FileFormat>('ndjson');
  const [tableName, setTableName] = useState('');
  const [schema, setSchema] = useState<InferredSchema | null>(null);
  const [columns, setColumns] = useState<ColumnEdit[]>([]);
  const [orderBy, setOrderBy] = useState('');
  const [partitionBy, setPartitionBy] = useState('');
  const [step, setStep] = useState<'idle' | 'inferring' | 'creating' | 'loading'>('idle');
  const [error, setError] = useState<unknown>(null);
  const [exists, setExists] = useState(false);
  const [answer, setAnswer] = useState<IngestAnswer | null>(null);

  const statement = useMemo(() => {
    if (!schema) return { text: '', problem: null as string | null };
    try {
      return {
        text: createTableSql({
          name: tableName.trim(),
          columns: columns.map((c) => ({ name: c.name, type: joinNullable(c.base, c.nullable) })),
          orderBy,
          partitionBy,
        }),
        problem: null,
      };
    } catch (e) {
      return { text: '', problem: errorMessage(e) };
    }
  }, [schema, tableName, columns, orderBy, partitionBy]);

  const choose = (f: File | null) => {
    setFile(f);
    setSchema(null);
    setAnswer(null);
    setError(null);
    setExists(false);
    if (f) {
      setFormat(formatForFile(f.name));
      setTableName(tableNameForFile(f.name));
    }
  };

  const runInfer = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    setStep('inferring');
    setError(null);
    setAnswer(null);
    try {
      const s = await infer(format, await sampleOf(file));
      setSchema(s);
      setColumns(editsOf(s));
      setOrderBy(s.order_by || 'tuple()');
      setPartitionBy(s.partition_by || '');
    } catch (err) {
      setError(err);
    } finally {
      setStep('idle');
    }
  };

  const load = async (create: boolean) => {
    if (!file) return;
    setError(null);
    setAnswer(null);
    try {
      if (create) {
        setStep('creating');
        await sql(statement.text);
        void refreshSchema();
      }
      setStep('loading');
      setAnswer(await ingest(tableName.trim(), format, file));
      setExists(false);
    } catch (err) {
      setError(err);
      setExists(err instanceof ApiError && err.code === 'ALREADY_EXISTS');
    } finally {
      setStep('idle');
    }
  };

  const setColumn = (i: number, change: Partial<ColumnEdit>) =>
    setColumns(columns.map((c, j) => (j === i ? { ...c, ...change } : c)));

  return (
    <section class="card" id="upload" aria-labelledby="upload-title">
      <h2 id="upload-title" tabIndex={-1}>Upload a file</h2>
      <form class="row wrap" onSubmit={runInfer}>
        <label>
          <span class="label-text">File (NDJSON or CSV with a header line)</span>
          <input type="file" name="file" accept=".csv,.tsv,.ndjson,.jsonl,.json,.txt"
            onChange={(e) => choose((e.target as HTMLInputElement).files?.[0] ?? null)} />
        </label>
        <label>
          <span class="label-text">Format</span>
          <select name="format" value={format} onChange={(e) => setFormat((e.target as HTMLSelectElement).value as FileFormat)}>
            <option value="ndjson">NDJSON</option>
            <option value="csv">CSV</option>
          </select>
        </label>
        <label>
          <span class="label-text">Table</span>
          <input name="upload-table" required value={tableName}
            aria-invalid={tableName !== '' && !isTableName(tableName.trim()) ? 'true' : undefined}
            onInput={(e) => setTableName((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" disabled={!file || step !== 'idle'}>{step === 'inferring' ? 'Reading…' : 'Read schema'}</button>
      </form>
      {file && <p class="help">{file.name}, {formatBytes(file.size)}{file.size > SAMPLE_BYTES ? '; the schema is read from its first 4 MiB' : ''}.</p>}
      {schema && (
        <div class="stack">
          <p class="help">
            Read {formatNumber(schema.rows_sampled)} rows. Check each column's type; the table is created with these types
            and rows that do not fit them go to <code>{tableName || 'TABLE'}_quarantine</code>.
          </p>
          {schema.errors.length > 0 && (
            <details>
              <summary>{schema.errors.length} lines could not be read</summary>
              <ul class="small">{schema.errors.slice(0, 20).map((e) => <li key={e.line}>line {e.line}: {e.error}</li>)}</ul>
            </details>
          )}
          <div class="table-scroll">
            <table class="list-table schema-table">
              <thead><tr><th scope="col">Column</th><th scope="col">Type</th><th scope="col">NULL allowed</th></tr></thead>
              <tbody>
                {columns.map((c, i) => (
                  <tr key={c.name}>
                    <th scope="row"><code>{c.name}</code></th>
                    <td>
                      <div class="row">
                        <select aria-label={`Type of ${c.name}`} data-column={c.name} value={c.custom ? CUSTOM : c.base}
                          onChange={(e) => {
                            const v = (e.target as HTMLSelectElement).value;
                            setColumn(i, v === CUSTOM ? { custom: true } : { base: v, custom: false });
                          }}>
                          {COMMON_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
                          <option value={CUSTOM}>Other…</option>
                        </select>
                        {c.custom && (
                          <input aria-label={`Type of ${c.name}, as text`} value={c.base} placeholder="Decimal(18, 2)"
                            onInput={(e) => setColumn(i, { base: (e.target as HTMLInputElement).value })} />
                        )}
                      </div>
                    </td>
                    <td>
                      <input type="checkbox" aria-label={`${c.name} may be NULL`} checked={c.nullable}
                        onChange={(e) => setColumn(i, { nullable: (e.target as HTMLInputElement).checked })} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div class="row wrap">
            <label class="grow">
              <span class="label-text">ORDER BY</span>
              <input value={orderBy} onInput={(e) => setOrderBy((e.target as HTMLInputElement).value)} />
            </label>
            <label class="grow">
              <span class="label-text">PARTITION BY (optional)</span>
              <input value={partitionBy} placeholder="toYYYYMM(timestamp)" onInput={(e) => setPartitionBy((e.target as HTMLInputElement).value)} />
            </label>
          </div>
          <details>
            <summary>The statement</summary>
            <pre class="code">{statement.text || statement.problem}</pre>
          </details>
          {statement.problem && <p class="field-error" role="alert">{statement.problem}</p>}
          <div class="row wrap">
            <button type="button" class="primary" disabled={step !== 'idle' || !!statement.problem} onClick={() => void load(true)}>
              {step === 'creating' ? 'Creating the table…' : step === 'loading' ? 'Loading…' : 'Create table and load'}
            </button>
            {exists && (
              <button type="button" onClick={() => void load(false)} disabled={step !== 'idle'}>Load into the existing table</button>
            )}
          </div>
        </div>
      )}
      <ErrorBox error={error} title={schema ? 'The file was not loaded' : 'The schema could not be read'} />
      {answer && (
        <div class="notice" role="status" data-testid="upload-result">
          <p>
            Loaded <strong>{formatNumber(answer.rows)}</strong> rows into <strong>{answer.table}</strong>
            {answer.quarantined > 0 ? <>; <strong>{formatNumber(answer.quarantined)}</strong> quarantined</> : ''}.
            {' '}<a href={exploreHref(`SELECT *\nFROM ${quoteIdent(answer.table)}\nLIMIT 100`, true)}>Explore the table</a>
            {answer.quarantined > 0 && (
              <> · <a href={exploreHref(`SELECT * FROM ${quoteIdent(`${answer.table}_quarantine`)} ORDER BY received_at DESC LIMIT 100`, true)}>See the quarantined rows</a></>
            )}
          </p>
          {answer.added_columns && answer.added_columns.length > 0 && <p class="small">Added columns: {answer.added_columns.join(', ')}</p>}
          {answer.widened_columns && answer.widened_columns.length > 0 && <p class="small">Widened columns: {answer.widened_columns.join(', ')}</p>}
          {answer.errors && answer.errors.length > 0 && (
            <details>
              <summary>Errors ({answer.errors.length})</summary>
              <ul class="small">{answer.errors.slice(0, 50).map((e, i) => <li key={i}>{e.error}</li>)}</ul>
            </details>
          )}
        </div>
      )}
    </section>
  );
}
