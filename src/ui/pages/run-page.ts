/** A run's page: its state (live while it runs), the curves so far, and its report once report.json exists. */
import type { RunProgress } from '../run-progress';
import { appPage, escapeHtml, reportFrame } from './layout';

export interface RunRef {
  experiment: string;
  runId: string;
}

export function runHref(run: RunRef): string {
  return `/runs/${encodeURIComponent(run.experiment)}/${encodeURIComponent(run.runId)}`;
}

/** The run's "Try it" page, for a run that saved a model. */
export function tryHref(run: RunRef): string {
  return `${runHref(run)}/try`;
}

export function runPage(run: RunRef, progress: RunProgress, liveHtml: string, hasModel: boolean): string {
  const href = runHref(run);
  const reason = progress.reason ? `<p id="run-reason" class="muted">${escapeHtml(progress.reason)}</p>` : '<p id="run-reason" class="muted"></p>';
  const live = progress.hasReport ? '' : `<section id="live" class="panel"><h2>Training progress</h2><div id="live-body">${liveHtml}</div></section>`;
  const report = progress.hasReport ? reportFrame(`${href}/report.html`, 'report') : '';
  const tryIt = hasModel ? ` <a id="try-link" class="button" href="${tryHref(run)}">Try the model</a>` : '';
  const body = `<h1>${escapeHtml(run.experiment)} / ${escapeHtml(run.runId)} <span id="run-state" class="state state-${progress.state}">${progress.state}</span>${tryIt}</h1>
${reason}
<div id="run" data-href="${href}" data-state="${progress.state}" data-report="${progress.hasReport}">
${live}
<div id="report">${report}</div>
</div>`;
  return appPage(`${run.experiment}/${run.runId}`, body, 'run-live');
}
