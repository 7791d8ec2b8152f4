/** A sweep's page: its comparison report (src/report's, as the sweep's compare.html has it) in the app's frame. */
import type { SweepEntry } from '../../pipeline/sweep/sweep-index';
import { appPage, escapeHtml, reportFrame } from './layout';

export function sweepHref(sweep: Pick<SweepEntry, 'experiment' | 'sweepId'>): string {
  return `/sweeps/${encodeURIComponent(sweep.experiment)}/${encodeURIComponent(sweep.sweepId)}`;
}

export function sweepPage(sweep: SweepEntry): string {
  const body = `<h1>Sweep ${escapeHtml(sweep.experiment)} / ${escapeHtml(sweep.sweepId)} <span class="state state-${sweep.state}">${sweep.state}</span></h1>
<p class="muted">${sweep.complete}/${sweep.trials} trials complete · ranked by ${escapeHtml(sweep.metric)}</p>
${reportFrame(`${sweepHref(sweep)}/compare.html`, 'sweep comparison')}`;
  return appPage(`sweep ${sweep.experiment}/${sweep.sweepId}`, body, 'run-live');
}
