// The SQL editor as a component: CodeMirror is loaded on first use; until then (or if it cannot load)
// a plain text area does the same job. The parent owns the text.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { SqlEditorHandle } from './sql_editor_setup';
import { currentSchema, loadSchema } from '../schema';

export interface SqlEditorProps {
  value: string;
  onChange(text: string): void;
  onRun?(): void;
  error?: { line: number; column: number } | null;
  label: string;
  placeholder?: string;
  minLines?: number;
  id?: string;
}

export function SqlEditor(props: SqlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const handle = useRef<SqlEditorHandle | null>(null);
  const propsRef = useRef(props);
  propsRef.current = props;
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let cancelled = false;
    loadSchema().catch(() => undefined);
    import('./sql_editor_setup').then(
      ({ createSqlEditor }) => {
        if (cancelled || !host.current) return;
        handle.current = createSqlEditor(host.current, {
          doc: propsRef.current.value,
          ariaLabel: propsRef.current.label,
          placeholder: propsRef.current.placeholder,
          minLines: propsRef.current.minLines,
          onChange: (t) => propsRef.current.onChange(t),
          onRun: () => propsRef.current.onRun?.(),
          schema: currentSchema,
        });
        if (propsRef.current.error) handle.current.setError(propsRef.current.error);
      },
      () => !cancelled && setFailed(true),
    );
    return () => {
      cancelled = true;
      handle.current?.destroy();
      handle.current = null;
    };
  }, []);

  // A layout effect runs in the same task as the render, so the text it compares with the editor's is
  // never stale: typing (which reports every change at once) leaves them equal, and only a change made
  // by the parent (a statement opened from elsewhere) is written into the editor.
  useLayoutEffect(() => {
    handle.current?.setText(props.value);
  }, [props.value]);

  useEffect(() => {
    handle.current?.setError(props.error ?? null);
  }, [props.error?.line, props.error?.column]);

  if (failed) {
    return (
      <textarea
        id={props.id}
        class="sql-fallback"
        aria-label={props.label}
        value={props.value}
        rows={props.minLines ?? 6}
        onInput={(e) => props.onChange((e.target as HTMLTextAreaElement).value)}
        onKeyDown={(e) => {
          if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
            e.preventDefault();
            props.onRun?.();
          }
        }}
      />
    );
  }
  return <div id={props.id} class="sql-editor" ref={host} data-testid="sql-editor" />;
}
