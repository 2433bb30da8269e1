import type { ReactNode } from 'react';

export interface Column<T> {
  header: string;
  cell(row: T): ReactNode;
  /** Right-aligned (numbers). */
  numeric?: boolean;
}

/** A captioned table with header cells, so screen readers name every cell by its column. */
export function DataTable<T>({ caption, columns, rows, rowKey, empty, failed }: { caption: string; columns: Column<T>[]; rows: T[]; rowKey(row: T, index: number): string; empty: string; failed?: boolean }) {
  // A load that failed has its error shown above: no table saying "nothing here" under it.
  if (failed) return null;
  return (
    // Focusable and named, so a keyboard user can scroll a table wider than the screen.
    <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.header} scope="col" className={c.numeric ? 'num' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length}>{empty}</td>
            </tr>
          ) : (
            rows.map((row, i) => (
              <tr key={rowKey(row, i)}>
                {columns.map((c) => (
                  <td key={c.header} className={c.numeric ? 'num' : undefined}>
                    {c.cell(row)}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
