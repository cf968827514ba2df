// A query result as a table: sorting by any column (click or Enter on its header), paging, numbers
// aligned right, NULL shown as such. Everything happens on the rows already received.
import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  Cell,
  ColumnMeta,
  SortOrder,
  cellText,
  isNumericType,
  pageCount,
  pageRows,
  sortRows,
} from '../lib/result';

export function ResultTable({ meta, data, pageSize = 50, caption }: {
  meta: ColumnMeta[];
  data: Cell[][];
  pageSize?: number;
  caption?: string;
}) {
  const [order, setOrder] = useState<SortOrder | null>(null);
  const [page, setPage] = useState(0);
  useEffect(() => {
    setPage(0);
    setOrder(null);
  }, [meta, data]);
  const sorted = useMemo(() => sortRows(meta, data, order), [meta, data, order]);
  const pages = pageCount(sorted.length, pageSize);
  const current = Math.min(page, pages - 1);
  const rows = pageRows(sorted, current, pageSize);
  const numeric = meta.map((c) => isNumericType(c.type));

  const sortBy = (column: number) => {
    setOrder((o) => (o && o.column === column
      ? (o.direction === 'asc' ? { column, direction: 'desc' } : null)
      : { column, direction: 'asc' }));
    setPage(0);
  };

  return (
    <div class="result-table">
      <div class="table-scroll" tabIndex={0} role="region" aria-label={caption ?? 'Result rows'}>
        <table>
          {caption && <caption class="visually-hidden">{caption}</caption>}
          <thead>
            <tr>
              {meta.map((c, i) => {
                const dir = order?.column === i ? order.direction : null;
                return (
                  <th
                    key={i}
                    scope="col"
                    class={numeric[i] ? 'num' : undefined}
                    aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}
                  >
                    <button type="button" class="sort-button" onClick={() => sortBy(i)} title={`Sort by ${c.name}`}>
                      {c.name}
                      <span class="col-type">{c.type}</span>
                      <span aria-hidden="true" class="sort-mark">{dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : ''}</span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, r) => (
              <tr key={current * pageSize + r}>
                {row.map((v, i) => (
                  <td key={i} class={v === null ? 'null' : numeric[i] ? 'num' : undefined}>{cellText(v)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data.length === 0 && <p class="muted">No rows.</p>}
      {pages > 1 && (
        <nav class="pager" aria-label="Result pages">
          <button type="button" onClick={() => setPage(0)} disabled={current === 0} aria-label="First page">«</button>
          <button type="button" onClick={() => setPage(current - 1)} disabled={current === 0} aria-label="Previous page">‹</button>
          <span aria-live="polite">
            Rows {current * pageSize + 1}–{Math.min(sorted.length, (current + 1) * pageSize)} of {sorted.length}
          </span>
          <button type="button" onClick={() => setPage(current + 1)} disabled={current >= pages - 1} aria-label="Next page">›</button>
          <button type="button" onClick={() => setPage(pages - 1)} disabled={current >= pages - 1} aria-label="Last page">»</button>
        </nav>
      )}
    </div>
  );
}
