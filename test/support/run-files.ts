/** Reads back the JSON files a run folder holds, typed as the code that writes them declares. */
import * as fs from 'fs';
import * as path from 'path';
import type { RunStatus } from '../../src/pipeline/run-folder';
import type { Report } from '../../src/report/report-json';

export function readJsonFile<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

export function readReport(dir: string): Report {
  return readJsonFile<Report>(path.join(dir, 'report.json'));
}

export function readStatus(dir: string): RunStatus {
  return readJsonFile<RunStatus>(path.join(dir, 'status.json'));
}
