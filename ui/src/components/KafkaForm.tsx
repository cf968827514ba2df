// The form that creates a Kafka source: brokers, topic, group, format, start, security (SASL mechanism,
// user, password, a CA certificate read from a file). The server checks the settings (POST
// /v1/sources?validate=true) before anything is saved; an error naming a setting marks its field.
import { useState } from 'preact/hooks';
import { ApiError, SourceRequest, createSource, validateSource } from '../api';
import { isTableName } from '../lib/ddl';
import { ErrorBox } from './ErrorBox';

interface KafkaFields {
  name: string;
  table: string;
  brokers: string;
  topic: string;
  group: string;
  format: string;
  start: string;
  security_protocol: string;
  sasl_mechanism: string;
  sasl_username: string;
  sasl_password: string;
  ssl_ca_pem: string;
}

const EMPTY: KafkaFields = {
  name: '',
  table: '',
  brokers: '',
  topic: '',
  group: 'aurora',
  format: 'JSONEachRow',
  start: 'earliest',
  security_protocol: 'plaintext',
  sasl_mechanism: 'PLAIN',
  sasl_username: '',
  sasl_password: '',
  ssl_ca_pem: '',
};

const SETTING_NAMES = ['brokers', 'topic', 'group', 'format', 'start', 'security_protocol', 'sasl_mechanism',
  'sasl_username', 'sasl_password', 'ssl_ca_pem', 'name', 'table'] as const;

function sourceRequest(f: KafkaFields): SourceRequest {
  const sasl = f.security_protocol.startsWith('sasl_');
  const ssl = f.security_protocol === 'ssl' || f.security_protocol === 'sasl_ssl';
  const settings: Record<string, string> = {
    brokers: f.brokers.trim(),
    topic: f.topic.trim(),
    group: f.group.trim(),
    format: f.format,
    start: f.start,
    security_protocol: f.security_protocol,
  };
  if (sasl) {
    settings.sasl_mechanism = f.sasl_mechanism;
    settings.sasl_username = f.sasl_username;
    settings.sasl_password = f.sasl_password;
  }
  if (ssl && f.ssl_ca_pem.trim() !== '') settings.ssl_ca_pem = f.ssl_ca_pem;
  return { name: f.name.trim(), table: f.table.trim(), type: 'kafka', settings };
}

// The setting an error message names, if any (the longest match wins: sasl_password over a bare word).
function namedSetting(message: string): string | null {
  const hits = SETTING_NAMES.filter((s) => new RegExp(`\\b${s}\\b`).test(message));
  return hits.sort((a, b) => b.length - a.length)[0] ?? null;
}

export function KafkaForm() {
  const [f, setF] = useState<KafkaFields>(EMPTY);
  const [busy, setBusy] = useState<'validating' | 'creating' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [caName, setCaName] = useState('');
  const sasl = f.security_protocol.startsWith('sasl_');
  const ssl = f.security_protocol === 'ssl' || f.security_protocol === 'sasl_ssl';
  const bad = error instanceof ApiError ? namedSetting(error.message) : null;

  const set = (k: keyof KafkaFields) => (e: Event) => {
    setF({ ...f, [k]: (e.target as HTMLInputElement | HTMLSelectElement).value });
    setStatus(null);
  };

  const readCa = async (file: File | null) => {
    setCaName(file?.name ?? '');
    setF({ ...f, ssl_ca_pem: file ? await file.text() : '' });
  };

  const submit = async (create: boolean) => {
    setError(null);
    setStatus(null);
    const body = sourceRequest(f);
    setBusy('validating');
    try {
      await validateSource(body);
      if (!create) {
        setStatus('The settings are valid.');
        return;
      }
      setBusy('creating');
      await createSource(body);
      setStatus(`Source ${body.name} created: it starts consuming ${body.settings.topic} into ${body.table}.`);
      setF({ ...EMPTY });
      setCaName('');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  const field = (k: keyof KafkaFields, label: string, extra: Record<string, unknown> = {}) => (
    <label>
      <span class="label-text">{label}</span>
      <input name={k} value={f[k]} onInput={set(k)} aria-invalid={bad === k ? 'true' : undefined} {...extra} />
    </label>
  );

  return (
    <section class="card" id="kafka" aria-labelledby="kafka-title">
      <h2 id="kafka-title" tabIndex={-1}>New Kafka source</h2>
      <form class="form-grid" onSubmit={(e) => { e.preventDefault(); void submit(true); }}>
        {field('name', 'Source name', { required: true, placeholder: 'shop_orders' })}
        {field('table', 'Into table', { required: true, placeholder: 'orders', 'aria-invalid': (f.table !== '' && !isTableName(f.table)) || bad === 'table' ? 'true' : undefined })}
        {field('brokers', 'Brokers', { required: true, placeholder: 'kafka1:9092,kafka2:9092' })}
        {field('topic', 'Topic', { required: true })}
        {field('group', 'Consumer group', { required: true })}
        <label>
          <span class="label-text">Format</span>
          <select name="format" value={f.format} onChange={set('format')}>
            <option value="JSONEachRow">JSON (one object per message)</option>
            <option value="CSV">CSV (one record per message)</option>
          </select>
        </label>
        <label>
          <span class="label-text">Start new partitions at</span>
          <select name="start" value={f.start} onChange={set('start')}>
            <option value="earliest">the earliest message</option>
            <option value="latest">the latest message</option>
          </select>
        </label>
        <label>
          <span class="label-text">Security protocol</span>
          <select name="security_protocol" value={f.security_protocol} onChange={set('security_protocol')}
            aria-invalid={bad === 'security_protocol' ? 'true' : undefined}>
            <option value="plaintext">plaintext</option>
            <option value="ssl">ssl</option>
            <option value="sasl_plaintext">sasl_plaintext</option>
            <option value="sasl_ssl">sasl_ssl</option>
          </select>
        </label>
        {sasl && (
          <>
            <label>
              <span class="label-text">SASL mechanism</span>
              <select name="sasl_mechanism" value={f.sasl_mechanism} onChange={set('sasl_mechanism')}
                aria-invalid={bad === 'sasl_mechanism' ? 'true' : undefined}>
                <option value="PLAIN">PLAIN</option>
                <option value="SCRAM-SHA-256">SCRAM-SHA-256</option>
                <option value="SCRAM-SHA-512">SCRAM-SHA-512</option>
              </select>
            </label>
            {field('sasl_username', 'SASL user', { required: true, autocomplete: 'off' })}
            {field('sasl_password', 'SASL password', { required: true, type: 'password', autocomplete: 'new-password' })}
          </>
        )}
        {ssl && (
          <label>
            <span class="label-text">CA certificate (PEM file, optional)</span>
            <input type="file" name="ssl_ca_pem" accept=".pem,.crt,.cer" aria-invalid={bad === 'ssl_ca_pem' ? 'true' : undefined}
              onChange={(e) => void readCa((e.target as HTMLInputElement).files?.[0] ?? null)} />
            {caName && <span class="help">{caName}, {f.ssl_ca_pem.length} characters</span>}
          </label>
        )}
        <div class="row wrap form-actions">
          <button type="button" onClick={() => void submit(false)} disabled={busy !== null}>
            {busy === 'validating' ? 'Checking…' : 'Check settings'}
          </button>
          <button type="submit" class="primary" disabled={busy !== null}>
            {busy === 'creating' ? 'Creating…' : 'Create source'}
          </button>
        </div>
      </form>
      {status && <p class="notice" role="status">{status}</p>}
      <ErrorBox error={error} title={bad ? `The setting ${bad} is not accepted` : 'The source was not created'} />
    </section>
  );
}
