/** Tables for the terminal: columns padded to their widest cell, numbers right-aligned. */
import type { Table } from '../report-tables';

export function textTable(table: Table): string {
  const lines = [table.headers, ...table.rows];
  const widths = table.headers.map((_, i) => Math.max(...lines.map((row) => [...(row[i] ?? '')].length)));
  const pad = (cell: string, i: number) => (table.numeric?.includes(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]));
  const format = (row: string[]) => row.map(pad).join('  ').trimEnd();
  return [format(table.headers), widths.map((w) => '─'.repeat(w)).join('  '), ...table.rows.map(format)].join('\n');
}
