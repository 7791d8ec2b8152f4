/** The failures a user can meet, each with its exit code (a config problem, a failed run, a run stopped on request); anything else is a bug. */

/** One problem found in a config, located in the YAML source. */
export interface ConfigIssue {
  /** JSON path as a person reads it, e.g. `model.layers[2].kernelSize`; empty for the document itself. */
  path: string;
  message: string;
  /** File the offending value comes from, when it comes from a file. */
  file?: string;
  line?: number;
  column?: number;
  /** The setting as keys, e.g. ['model', 'layers', 3, 'units'], when the problem was found after loading and is still to be located in the config. */
  keys?: readonly (string | number)[];
}

/** Invalid config, arguments or input that the user can fix: exit code 2. */
export class ConfigError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly header: string,
    readonly issues: ConfigIssue[] = [],
  ) {
    super(formatConfigError(header, issues));
    this.name = 'ConfigError';
  }
}

/** A failure while running an otherwise valid experiment: exit code 1. */
export class RunError extends Error {
  readonly exitCode = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RunError';
  }
}

export function formatIssueLocation(issue: ConfigIssue): string {
  if (issue.file?.startsWith('--set ')) return `${issue.path} (from ${issue.file})`;
  const where = issue.file ? `${issue.file}${issue.line ? `:${issue.line}:${issue.column ?? 1}` : ''}` : '';
  const path = issue.path || '(document)';
  return where ? `${where} ${path}` : path;
}

function formatConfigError(header: string, issues: ConfigIssue[]): string {
  if (issues.length === 0) return header;
  return [header, ...issues.map((issue) => `  - ${formatIssueLocation(issue)}: ${issue.message}`)].join('\n');
}

/** The user asked the run to stop (Ctrl-C, SIGTERM); its state was checkpointed so it can be resumed. Exit code 130. */
export class InterruptedError extends Error {
  readonly exitCode = 130;
  constructor(message: string) {
    super(message);
    this.name = 'InterruptedError';
  }
}
