// The CodeMirror 6 editor behind SqlEditor, loaded on demand (it is the largest part of the app after
// the charts): ClickHouse-flavoured SQL highlighting, completion from lib/completion.ts, Ctrl/Cmd+Enter to
// run, and a marker at the line and column of the server's last error. Tab is left to the browser so the
// keyboard can leave the editor.
import { EditorState, Prec, StateEffect, StateField, Transaction } from '@codemirror/state';
import {
  Decoration,
  DecorationSet,
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  placeholder as placeholderExt,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { HighlightStyle, bracketMatching, syntaxHighlighting } from '@codemirror/language';
import { autocompletion, closeCompletion, completionKeymap, CompletionContext, CompletionResult as CmResult } from '@codemirror/autocomplete';
import { SQLDialect, sql } from '@codemirror/lang-sql';
import { tags } from '@lezer/highlight';
import { complete, CandidateKind, FunctionInfo, SchemaTable } from '../lib/completion';

const ClickHouse = SQLDialect.define({
  keywords:
    'select from where group by order having limit offset distinct as and or not in is null between like ilike ' +
    'case when then else end join left right inner outer full cross on using union all with interval asc desc ' +
    'nulls first last settings format insert into values create table drop truncate alter add column after ' +
    'describe show tables explain plan if exists engine mergetree partition ttl comment default codec tuple ' +
    'source kafka pause resume reset to earliest latest user role grant revoke token identified expires ' +
    'array global any prewhere sample final true false',
  types:
    'string fixedstring uint8 uint16 uint32 uint64 uint128 uint256 int8 int16 int32 int64 int128 int256 ' +
    'float32 float64 decimal decimal32 decimal64 decimal128 date date32 datetime datetime64 bool uuid ' +
    'nullable lowcardinality array map enum8 enum16 ipv4 ipv6',
  builtin: '',
  identifierQuotes: '`"',
  backslashEscapes: true,
  doubleQuotedStrings: false,
  hashComments: false,
  slashComments: false,
});

const highlight = HighlightStyle.define([
  { tag: tags.keyword, color: 'var(--syntax-keyword)', fontWeight: '600' },
  { tag: [tags.typeName, tags.standard(tags.name)], color: 'var(--syntax-type)' },
  { tag: [tags.string, tags.special(tags.string)], color: 'var(--syntax-string)' },
  { tag: [tags.number, tags.bool, tags.null], color: 'var(--syntax-number)' },
  { tag: [tags.lineComment, tags.blockComment, tags.comment], color: 'var(--syntax-comment)', fontStyle: 'italic' },
  { tag: [tags.operator, tags.punctuation, tags.bracket], color: 'var(--syntax-punct)' },
  { tag: tags.special(tags.name), color: 'var(--syntax-name)' },
]);

const theme = EditorView.theme({
  '&': { backgroundColor: 'var(--editor-bg)', color: 'var(--text)', fontSize: '14px' },
  '.cm-content': { fontFamily: 'var(--mono)', caretColor: 'var(--text)', padding: '6px 0' },
  '.cm-gutters': { backgroundColor: 'var(--editor-gutter)', color: 'var(--muted)', border: 'none' },
  '.cm-activeLine': { backgroundColor: 'var(--editor-active)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--editor-active)' },
  '&.cm-focused .cm-cursor': { borderLeftColor: 'var(--text)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'var(--selection)' },
  '.cm-tooltip': { backgroundColor: 'var(--surface)', color: 'var(--text)', border: '1px solid var(--border)' },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': { backgroundColor: 'var(--accent)', color: 'var(--accent-text)' },
  '.cm-completionDetail': { color: 'var(--muted)', fontStyle: 'normal', marginLeft: '1em' },
  '.cm-tooltip-autocomplete > ul > li[aria-selected] .cm-completionDetail': { color: 'inherit', opacity: '0.85' },
  '.cm-sql-error': { textDecoration: 'underline wavy var(--danger)', backgroundColor: 'var(--danger-soft)' },
  '.cm-sql-error-line': { backgroundColor: 'var(--danger-soft)' },
  '.cm-placeholder': { color: 'var(--muted)' },
});

// The server's error position (1-based line and column) shown in the text; cleared by any edit.
const setErrorEffect = StateEffect.define<{ line: number; column: number } | null>();

const errorField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, tr: Transaction) {
    for (const e of tr.effects) {
      if (!e.is(setErrorEffect)) continue;
      if (!e.value) return Decoration.none;
      const doc = tr.state.doc;
      const lineNo = Math.min(Math.max(1, e.value.line), doc.lines);
      const line = doc.line(lineNo);
      const from = Math.min(line.from + Math.max(0, e.value.column - 1), line.to);
      let to = from;
      while (to < line.to && /[A-Za-z0-9_.'`"]/.test(doc.sliceString(to, to + 1))) to++;
      if (to === from) to = Math.min(from + 1, line.to);
      const decos = [Decoration.line({ class: 'cm-sql-error-line' }).range(line.from)];
      if (to > from) decos.push(Decoration.mark({ class: 'cm-sql-error' }).range(from, to));
      return Decoration.set(decos, true);
    }
    return tr.docChanged ? Decoration.none : marks;
  },
  provide: (f) => EditorView.decorations.from(f),
});

const COMPLETION_TYPES: Record<CandidateKind, string> = {
  column: 'property',
  function: 'function',
  keyword: 'keyword',
  table: 'type',
};

export interface EditorSchemaSource {
  (): { tables: SchemaTable[]; functions: FunctionInfo[] };
}

export interface SqlEditorOptions {
  doc: string;
  ariaLabel: string;
  placeholder?: string;
  minLines?: number;
  onChange(text: string): void;
  onRun?(): void;
  schema: EditorSchemaSource;
}

export interface SqlEditorHandle {
  setText(text: string): void;
  setError(pos: { line: number; column: number } | null): void;
  focus(): void;
  destroy(): void;
}

export function createSqlEditor(parent: HTMLElement, opts: SqlEditorOptions): SqlEditorHandle {
  const source = (ctx: CompletionContext): CmResult | null => {
    const schema = opts.schema();
    const r = complete({ ...schema, text: ctx.state.doc.toString(), cursor: ctx.pos, explicit: ctx.explicit });
    if (!r || r.candidates.length === 0) return null;
    return {
      from: r.from,
      to: r.to,
      validFor: /^[A-Za-z0-9_]*$/,
      options: r.candidates.map((c) => ({
        label: c.label,
        type: COMPLETION_TYPES[c.kind],
        detail: c.detail,
        apply: c.apply,
        boost: c.rank * 10 - 20,
      })),
    };
  };
  const run = (view: EditorView) => {
    if (!opts.onRun) return false;
    closeCompletion(view);
    opts.onRun();
    return true;
  };
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: opts.doc,
      extensions: [
        lineNumbers(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        highlightActiveLine(),
        bracketMatching(),
        sql({ dialect: ClickHouse, upperCaseKeywords: true }),
        syntaxHighlighting(highlight),
        autocompletion({ override: [source], icons: false }),
        Prec.highest(keymap.of([{ key: 'Mod-Enter', run }])),
        keymap.of([...completionKeymap, ...defaultKeymap, ...historyKeymap]),
        errorField,
        theme,
        EditorView.lineWrapping,
        placeholderExt(opts.placeholder ?? ''),
        EditorView.contentAttributes.of({ 'aria-label': opts.ariaLabel }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) opts.onChange(u.state.doc.toString());
        }),
        EditorView.theme({ '.cm-content, .cm-gutter': { minHeight: `${(opts.minLines ?? 6) * 1.45}em` } }),
      ],
    }),
  });
  return {
    setText(text: string) {
      if (text === view.state.doc.toString()) return;
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    setError(pos) {
      view.dispatch({ effects: setErrorEffect.of(pos) });
      if (pos) {
        const doc = view.state.doc;
        const line = doc.line(Math.min(Math.max(1, pos.line), doc.lines));
        const anchor = Math.min(line.from + Math.max(0, pos.column - 1), line.to);
        view.dispatch({ selection: { anchor }, scrollIntoView: true });
      }
    },
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  };
}
