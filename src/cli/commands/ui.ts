/** `pipeline ui`: the web app over experiments/ — runs table, live run pages, compare. */
import type { CommandModule } from 'yargs';

interface UiArgs {
  port: number;
  host: string;
}

export const uiCommand: CommandModule<object, UiArgs> = {
  command: 'ui',
  describe: 'Browse, watch and compare runs, and try saved models, in a web browser.',
  builder: (y) =>
    y
      .option('port', { type: 'number', default: 4000, describe: 'Port to listen on (0 picks a free one).' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on (0.0.0.0 for every interface).' }),
  async handler(args) {
    const path = await import('path');
    const { logger } = await import('../../log');
    const { EXPERIMENTS_DIR } = await import('../../pipeline/run-folder');
    const { createUiServer } = await import('../../ui/ui-server');
    const app = createUiServer(path.resolve(EXPERIMENTS_DIR));
    const address = await app.listen({ port: args.port, host: args.host });
    logger.info(`pipeline ui: open ${address}/ (runs under ${path.resolve(EXPERIMENTS_DIR)}); Ctrl-C stops it`);
    await new Promise<void>((resolve, reject) => {
      const stop = () => void app.close().then(() => resolve(), reject);
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
  },
};
