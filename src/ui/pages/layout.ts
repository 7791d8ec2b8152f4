/** The web app's page frame: a top bar linking the views, shared styles, and the page's own script bundle. */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** `script` names a bundle under /assets/ (see browser-bundles.ts). */
export function appPage(title: string, body: string, script?: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · pipeline</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
${script ? `<script src="/assets/${script}.js" defer></script>` : ''}
</head>
<body>
<header class="app-bar"><a href="/" class="brand">pipeline</a><nav><a href="/">Runs</a></nav></header>
<main>
${body}
</main>
</body>
</html>
`;
}

/** A report document (rendered by src/report) in a frame that the page's script sizes to its content. */
export function reportFrame(src: string, title: string): string {
  return `<iframe class="report-frame" title="${escapeHtml(title)}" src="${escapeHtml(src)}"></iframe>`;
}

const STYLE = `
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2127; background: #f6f7f9; }
.app-bar { display: flex; gap: 24px; align-items: center; padding: 10px 24px; background: #1d2a3a; color: #fff; }
.app-bar a { color: #fff; text-decoration: none; }
.app-bar .brand { font-weight: 700; letter-spacing: 0.02em; }
main { max-width: 1180px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 22px; margin: 8px 0 12px; }
h2 { font-size: 17px; margin: 24px 0 8px; }
table { border-collapse: collapse; background: #fff; width: 100%; }
th, td { padding: 6px 10px; border-bottom: 1px solid #e3e6ea; text-align: left; white-space: nowrap; }
th { background: #eef1f4; font-weight: 600; }
th[data-sort] { cursor: pointer; user-select: none; }
th[data-sort]::after { content: " ↕"; color: #8a94a0; }
th[aria-sort="ascending"]::after { content: " ↑"; color: #1d2127; }
th[aria-sort="descending"]::after { content: " ↓"; color: #1d2127; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.sweep th { background: #e4ecf6; font-weight: 600; }
tr.trial td:nth-child(2) { padding-left: 26px; }
.toolbar { display: flex; gap: 12px; align-items: center; margin: 8px 0 12px; flex-wrap: wrap; }
.toolbar input, .toolbar select { font: inherit; padding: 5px 8px; border: 1px solid #c4cad2; border-radius: 4px; }
button, .button { font: inherit; padding: 6px 14px; border: 0; border-radius: 4px; background: #2166ac; color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
button:disabled { background: #9aa7b5; cursor: default; }
.state { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; }
.state-complete { background: #d9efe1; color: #1c6b3a; }
.state-running { background: #dbe8f7; color: #1d4f8c; }
.state-failed { background: #f6dada; color: #8c1d1d; }
.state-interrupted, .state-unknown { background: #f1e8d2; color: #7a5a12; }
.muted { color: #66707c; }
.report-frame { width: 100%; min-height: 600px; border: 0; background: #fff; display: block; }
.charts { display: flex; flex-wrap: wrap; gap: 16px 24px; align-items: flex-start; }
figure.chart { margin: 0; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
.panel { background: #fff; border: 1px solid #e3e6ea; border-radius: 6px; padding: 12px 16px; margin: 12px 0; }
.panel.error, #try-status.error { background: #fbeaea; border-color: #e3b5b5; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
/* The file input is hidden behind its label: the label shows where keyboard focus is. */
.visually-hidden:focus-visible + label { outline: 2px solid #1d4f8c; outline-offset: 2px; }
.try { display: flex; flex-wrap: wrap; gap: 0 16px; align-items: flex-start; }
.try .panel { margin-top: 0; }
.try h2 { margin-top: 0; }
#pad { display: block; width: 280px; height: 280px; border: 1px solid #c4cad2; border-radius: 4px; cursor: crosshair; touch-action: none; background: #fff; }
#seen { display: block; width: 168px; height: 168px; image-rendering: pixelated; background: #000; }
#seen-note { max-width: 168px; font-size: 12px; }
.try-result { flex: 1 1 320px; }
.prediction { font-size: 16px; margin: 0 0 12px; }
.prediction strong { font-size: 28px; margin-right: 6px; }
.bars { display: grid; gap: 4px; }
.bar { display: grid; grid-template-columns: 3em 1fr 4.5em; gap: 8px; align-items: center; }
.bar-name { text-align: right; font-weight: 600; }
.bar-track { height: 16px; background: #eef1f4; border-radius: 3px; overflow: hidden; }
.bar-fill { display: block; height: 100%; background: #8fb3d9; }
.bar.best .bar-fill { background: #2166ac; }
.bar-value { text-align: right; font-variant-numeric: tabular-nums; }
`;
