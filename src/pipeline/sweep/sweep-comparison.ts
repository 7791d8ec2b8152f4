/** A sweep's comparison report: its complete trials' report.json files, compared by src/report into the sweep's folder. */
import { existsSync } from 'fs';
import * as path from 'path';
import { writeSweepCompareViews } from '../../report/compare-files';
import type { Report } from '../../report/report-json';
import { readReport } from '../../report/report-files';
import { EXPERIMENTS_DIR } from '../run-folder';
import { listSweeps } from './sweep-index';
import { SWEEP_FILE, SweepRecord } from './sweep-record';

/** The report.json of each complete trial that has a readable one, by trial id. */
export async function readTrialReports(record: SweepRecord, experimentsDir: string): Promise<Map<string, Report>> {
  const reports = new Map<string, Report>();
  for (const trial of record.trials) {
    if (trial.state !== 'complete' || !trial.run) continue;
    // A report that cannot be read leaves the trial out of the comparison, listed as such.
    const report = await readReport(path.resolve(experimentsDir, trial.run)).catch(() => undefined);
    if (report) reports.set(trial.id, report);
  }
  return reports;
}

/** Writes compare.html and compare.md (charts beside it) into the sweep's folder. */
export async function writeSweepComparison(sweepDir: string, record: SweepRecord, experimentsDir: string): Promise<{ html: string; md: string }> {
  return writeSweepCompareViews(sweepDir, record, await readTrialReports(record, experimentsDir));
}

/** The experiments folder a sweep folder (experiments/_sweeps/<experiment>/<sweepId>/) belongs to. */
export const sweepExperimentsDir = (sweepDir: string): string => path.resolve(sweepDir, '..', '..', '..');

/** The sweep folder `ref` names (a sweep folder, `<experiment>/<sweepId>` or a sweep id), or undefined when it names none. */
export async function findSweepFolder(ref: string, experimentsDir = EXPERIMENTS_DIR): Promise<string | undefined> {
  if (existsSync(path.join(ref, SWEEP_FILE))) return path.resolve(ref);
  const sweeps = await listSweeps(experimentsDir);
  return sweeps.find((s) => s.sweepId === ref || `${s.experiment}/${s.sweepId}` === ref)?.dir;
}
