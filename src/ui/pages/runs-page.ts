/** The runs table: every run with its state and accuracy, sweeps grouped with their trials; sorting and filtering in the browser. */
import type { RunEntry } from '../../pipeline/run-index';
import type { SweepEntry } from '../../pipeline/sweep/sweep-index';
import { appPage, escapeHtml } from './layout';
import { runHref, tryHref } from './run-page';
import { sweepHref } from './sweep-page';

export interface SweepGroup {
  sweep: SweepEntry;
  /** Run folders of its trials, relative to experiments/ (`<trial name>/<runId>`). */
  trialRuns: string[];
}

/** `withModel`: keys (`<experiment>/<runId>`) of the runs that saved a model, which get a link to try it. */
export function runsPage(runs: RunEntry[], sweeps: SweepGroup[], withModel: ReadonlySet<string>): string {
  const byKey = new Map(runs.map((r) => [`${r.experiment}/${r.runId}`, r]));
  const grouped = new Set(sweeps.flatMap((s) => s.trialRuns));
  const sweepBodies = sweeps.map(({ sweep, trialRuns }) => {
    const trials = trialRuns.map((key) => byKey.get(key)).filter((r): r is RunEntry => r !== undefined);
    const best = sweep.best
      ? ` · best ${escapeHtml(sweep.best.name)}${sweep.best.score ? ` (${sweep.metric} ${score(sweep.best.score.mean, sweep.best.score.std)})` : ''}`
      : '';
    const header = `<tr class="sweep"><th colspan="9">sweep ${escapeHtml(sweep.experiment)}/${escapeHtml(sweep.sweepId)} <span class="state state-${sweep.state}">${sweep.state}</span> · ${sweep.complete}/${sweep.trials} trials complete${best} · <a href="${sweepHref(sweep)}">comparison</a></th></tr>`;
    return `<tbody class="group">${header}\n${trials.map((r) => runRow(r, 'trial', withModel)).join('\n')}</tbody>`;
  });
  const loose = runs.filter((r) => !grouped.has(`${r.experiment}/${r.runId}`));
  const table = `<table id="runs">
<thead><tr><th></th><th data-sort="experiment">experiment</th><th data-sort="run">run id</th><th data-sort="state">state</th><th data-sort="date" aria-sort="descending">date</th><th data-sort="accuracy" class="num">accuracy (mean ± std)</th><th data-sort="backend">backend</th><th data-sort="seconds" class="num">time</th><th>model</th></tr></thead>
<tbody class="group">${loose.map((r) => runRow(r, 'run', withModel)).join('\n')}</tbody>
${sweepBodies.join('\n')}
</table>`;
  const toolbar = `<div class="toolbar">
<input id="filter" type="search" placeholder="Filter: experiment, run id, backend…" aria-label="Filter runs">
<select id="state-filter" aria-label="State"><option value="">any state</option><option>complete</option><option>running</option><option>failed</option><option>interrupted</option></select>
<button id="compare" disabled>Compare selected</button><span id="selection" class="muted">tick two or more complete runs</span>
</div>`;
  const empty = runs.length === 0 ? '<p class="panel">No runs yet under experiments/. Start one with <code>pipeline run quick</code>.</p>' : '';
  return appPage('Runs', `<h1>Runs</h1>\n${toolbar}\n${empty}${table}`, 'runs-table');
}

function runRow(run: RunEntry, kind: 'run' | 'trial', withModel: ReadonlySet<string>): string {
  const key = `${run.experiment}/${run.runId}`;
  const href = runHref(run);
  const tryIt = withModel.has(key) ? `<a class="try-link" href="${tryHref(run)}">try it</a>` : '';
  const data = {
    key,
    experiment: run.experiment,
    run: run.runId,
    state: run.state,
    date: run.startedAt ?? '',
    accuracy: run.accuracy ? String(run.accuracy.mean) : '',
    backend: run.backend ?? '',
    seconds: run.seconds !== undefined ? String(run.seconds) : '',
  };
  const attributes = Object.entries(data)
    .map(([k, v]) => `data-${k}="${escapeHtml(v)}"`)
    .join(' ');
  const tick = run.state === 'complete' ? `<input type="checkbox" class="pick" aria-label="select ${escapeHtml(key)}">` : '';
  return `<tr class="${kind}" ${attributes}><td>${tick}</td><td>${escapeHtml(run.experiment)}</td><td><a href="${href}">${escapeHtml(run.runId)}</a></td><td><span class="state state-${run.state}">${run.state}</span></td><td>${escapeHtml(formatDate(run.startedAt))}</td><td class="num">${run.accuracy ? score(run.accuracy.mean, run.accuracy.std) : ''}</td><td>${escapeHtml(run.backend ?? '')}</td><td class="num">${run.seconds !== undefined ? formatSeconds(run.seconds) : ''}</td><td>${tryIt}</td></tr>`;
}

function score(mean: number, std: number): string {
  return `${(100 * mean).toFixed(2)}% ± ${(100 * std).toFixed(2)}`;
}

function formatDate(iso: string | undefined): string {
  return iso ? iso.slice(0, 16).replace('T', ' ') : '';
}

function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
