/** The `pipeline` command line: one yargs command module per file, one place that turns failures into exit codes. */
import yargs from 'yargs';
import { ConfigError, InterruptedError, RunError } from '../errors';
import { logger, setConsoleLevel } from '../log';
import { compareCommand } from './commands/compare';
import { componentsCommand } from './commands/components';
import { evaluateCommand } from './commands/evaluate';
import { initCommand } from './commands/init';
import { listCommand } from './commands/list';
import { predictCommand } from './commands/predict';
import { profileCommand } from './commands/profile';
import { reportCommand } from './commands/report';
import { runCommand } from './commands/run';
import { schemaCommand } from './commands/schema';
import { showCommand } from './commands/show';
import { sweepCommand } from './commands/sweep';
import { serveCommand } from './commands/serve';
import { uiCommand } from './commands/ui';
import { validateCommand } from './commands/validate';
import { workerCommand } from './commands/worker';
import { globalOptions } from './global-options';

export async function main(argv: string[]): Promise<void> {
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  let settled = false;
  // If the event loop empties while the command still waits on something, say so instead of exiting 0 silently.
  process.once('beforeExit', () => {
    if (settled) return;
    logger.error('The command stopped before finishing (an operation never completed).');
    process.exitCode = 1;
  });
  try {
    await globalOptions(yargs(argv))
      .scriptName('pipeline')
      .usage('$0 <command> [options]\n\nDeclarative ML experiments: a YAML file in, a trained, cross-validated model and a report out.')
      .middleware((args) => setConsoleLevel(args.verbose ? 'debug' : args.logLevel))
      .command(runCommand)
      .command(sweepCommand)
      .command(validateCommand)
      .command(componentsCommand)
      .command(listCommand)
      .command(initCommand)
      .command(compareCommand)
      .command(showCommand)
      .command(schemaCommand)
      .command(profileCommand)
      .command(reportCommand)
      .command(workerCommand)
      .command(predictCommand)
      .command(evaluateCommand)
      .command(serveCommand)
      .command(uiCommand)
      .demandCommand(1, 'Name a command; "pipeline --help" lists them.')
      .strict()
      .recommendCommands()
      .fail((message, error) => {
        // yargs reports its own argument errors as a message; anything else is rethrown to be handled below.
        if (error) throw error;
        throw new ConfigError(`${message}\nRun "pipeline --help" for usage.`);
      })
      .help()
      .alias('help', 'h')
      .version(false)
      .wrap(Math.min(110, process.stdout.columns ?? 110))
      .parseAsync();
  } catch (error) {
    process.exitCode = report(error, verbose);
  } finally {
    settled = true;
  }
}

function report(error: unknown, verbose: boolean): number {
  if (error instanceof ConfigError || error instanceof RunError || error instanceof InterruptedError) {
    logger.error(error.message);
    if (verbose && error.stack) logger.debug(error.stack);
    return error.exitCode;
  }
  const err = error instanceof Error ? error : new Error(String(error));
  logger.error(`Unexpected error: ${err.message}${verbose ? '' : ' (run with --verbose for details)'}`);
  if (verbose && err.stack) logger.error(err.stack);
  return 1;
}
