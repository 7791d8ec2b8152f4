/** The compare view: the runs ticked in the table, compared as `pipeline compare` does, in the app's frame. */
import { appPage, escapeHtml, reportFrame } from './layout';
import { RunRef, runHref } from './run-page';

export function comparePage(runs: RunRef[]): string {
  const query = runs.map((r) => `run=${encodeURIComponent(`${r.experiment}/${r.runId}`)}`).join('&');
  const links = runs.map((r) => `<a href="${runHref(r)}">${escapeHtml(`${r.experiment}/${r.runId}`)}</a>`).join(' · ');
  const body = `<h1>Compare ${runs.length} runs</h1>
<p class="muted">${links}</p>
${reportFrame(`/compare/report.html?${query}`, 'comparison')}`;
  return appPage('Compare', body, 'run-live');
}
