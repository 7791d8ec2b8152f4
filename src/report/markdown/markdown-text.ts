/** Markdown building blocks shared by the Markdown views: tables and escaping. */
import { cellHref, Table } from '../report-tables';

/** Escapes what would break a table cell or start markup. */
export const escapeMarkdown = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function tableMarkdown(table: Table): string {
  const headers = table.headers.map((h) => escapeMarkdown(h) || ' ');
  const rule = table.headers.map((_, i) => (table.numeric?.includes(i) ? '---:' : '---'));
  const cell = (text: string, r: number, c: number) => {
    const href = cellHref(table, r, c);
    return href
      ? `[${escapeMarkdown(text).replace(/[[\]]/g, '\\$&')}](${href.replace(/[ ()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)})`
      : escapeMarkdown(text);
  };
  const rows = table.rows.map((row, r) => `| ${row.map((text, c) => cell(text, r, c)).join(' | ')} |`);
  return [`| ${headers.join(' | ')} |`, `| ${rule.join(' | ')} |`, ...rows].join('\n');
}

export const factsMarkdown = (facts: [string, string][]): string =>
  tableMarkdown({ headers: ['', ''], rows: facts.map(([k, v]) => [`**${k}**`, v]) });
