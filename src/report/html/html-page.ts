/** The frame of every HTML view: one self-contained page (styles inline, no scripts, no network), plus table markup. */
import { cellHref, Table } from '../report-tables';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function htmlPage(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

export function tableHtml(table: Table, attributes = ''): string {
  const align = (i: number) => (table.numeric?.includes(i) ? ' class="num"' : '');
  const head = table.headers.some((h) => h)
    ? `<thead><tr>${table.headers.map((h, i) => `<th${align(i)}>${escapeHtml(h)}</th>`).join('')}</tr></thead>`
    : '';
  const cellHtml = (cell: string, r: number, c: number) => {
    const href = cellHref(table, r, c);
    return href ? `<a href="${escapeHtml(href)}">${escapeHtml(cell)}</a>` : escapeHtml(cell);
  };
  const rows = table.rows.map((row, r) => `<tr>${row.map((cell, c) => `<td${align(c)}>${cellHtml(cell, r, c)}</td>`).join('')}</tr>`).join('\n');
  return `<table${attributes}>${head}<tbody>\n${rows}\n</tbody></table>`;
}

/** Label/value pairs; `ids` gives chosen values an id, so a reader (or a test) can find the figure. */
export function factsHtml(facts: [string, string][], ids: Record<string, string> = {}): string {
  const items = facts.map(
    ([label, value]) => `<div><dt>${escapeHtml(label)}</dt><dd${ids[label] ? ` id="${ids[label]}"` : ''}>${escapeHtml(value)}</dd></div>`,
  );
  return `<dl class="facts">${items.join('')}</dl>`;
}

export function sectionHtml(id: string, title: string, body: string): string {
  return `<section id="${id}">\n<h2>${escapeHtml(title)}</h2>\n${body}\n</section>`;
}

/** An inline SVG chart; the wrapper names it so readers (and tests) can tell the charts apart. */
export function chartHtml(name: string, svg: string): string {
  return `<figure class="chart" data-chart="${name}">${svg.replace(/^<\?xml[^>]*>\s*/, '')}</figure>`;
}

const STYLE = `
:root { color-scheme: light; --ink: #1a1a1a; --muted: #5c5c5c; --line: #dedede; --band: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
p.description { margin: 0 0 12px; color: var(--muted); }
.facts { display: flex; flex-wrap: wrap; gap: 8px 28px; margin: 8px 0 0; }
.facts div { min-width: 120px; }
.facts dt { font-size: 12px; color: var(--muted); }
.facts dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
.headline dd { font-size: 20px; }
table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { font-weight: 600; background: var(--band); }
td.num, th.num { text-align: right; }
table.nowrap td.num { white-space: nowrap; }
/* A sweep's ranking: one line per trial, but for the test's name (the second-last column), which may wrap. */
#ranking td { white-space: nowrap; }
#ranking td:nth-last-child(2) { white-space: normal; min-width: 150px; }
.scroll { overflow-x: auto; }
.charts { display: flex; flex-wrap: wrap; gap: 16px 24px; align-items: flex-start; }
figure.chart { margin: 0; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
.gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(112px, 1fr)); gap: 12px; }
.gallery figure { margin: 0; padding: 6px; border: 1px solid var(--line); border-radius: 4px; text-align: center; }
.gallery img { width: 84px; height: 84px; image-rendering: pixelated; background: #000; }
.gallery figcaption { font-size: 12px; line-height: 1.3; }
.gallery .label { font-weight: 600; }
.note { color: var(--muted); font-size: 13px; }
.warning { background: #fff4e0; border-left: 4px solid #E69F00; padding: 6px 10px; }
details { margin: 8px 0; }
summary { cursor: pointer; color: #0072B2; }
pre { background: var(--band); padding: 10px 12px; overflow-x: auto; font-size: 12.5px; }
code { font-size: 12.5px; }
`;
