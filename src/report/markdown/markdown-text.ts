/** Markdown building blocks shared by the Markdown views: tables and escaping. */
import type { Table } from '../report-tables';

/** Escapes what would break a table cell or start markup. */
export const escapeMarkdown = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function tableMarkdown(table: Table): string {
  const headers = table.headers.map((h) => escapeMarkdown(h) || ' ');
  const rule = table.headers.map((_, i) => (table.numeric?.includes(i) ? '---:' : '---'));
  const rows = table.rows.map((row) => `| ${row.map(escapeMarkdown).join(' | ')} |`);
  return [`| ${headers.join(' | ')} |`, `| ${rule.join(' | ')} |`, ...rows].join('\n');
}

export const factsMarkdown = (facts: [string, string][]): string => tableMarkdown({ headers: ['', ''], rows: facts.map(([k, v]) => [`**${k}**`, v]) });
