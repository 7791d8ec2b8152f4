/** `pipeline serve <run|model-dir>`: answers TensorFlow Serving's REST API with a saved model until stopped. */
import type { CommandModule } from 'yargs';

interface ServeArgs {
  model: string;
  port: number;
  host: string;
  name?: string;
}

export const serveCommand: CommandModule<object, ServeArgs> = {
  command: 'serve <model>',
  describe: "Serve a saved model over HTTP in TensorFlow Serving's REST shape.",
  builder: (y) =>
    y
      .positional('model', { type: 'string', demandOption: true, describe: 'A run folder (with model/) or a model folder (with model.json).' })
      .option('port', { type: 'number', default: 8501, describe: 'Port to listen on (0 picks a free one).' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on (0.0.0.0 for every interface).' })
      .option('name', { type: 'string', describe: "Model name in the URLs (default: the experiment's name)." }),
  async handler(args) {
    const { existsSync } = await import('fs');
    const path = await import('path');
    const { logger } = await import('../../log');
    const { selectBackend } = await import('../../backend/select');
    const { EXPERIMENTS_DIR } = await import('../../pipeline/run-folder');
    const { findModelDir, loadSavedModel, defaultModelName } = await import('../../serve/saved-model');
    const { createModelServer } = await import('../../serve/model-server');
    // A path, or <experiment>/<runId> under experiments/.
    const underExperiments = path.join(EXPERIMENTS_DIR, args.model);
    const dir = findModelDir(!existsSync(args.model) && existsSync(underExperiments) ? underExperiments : args.model);
    await selectBackend('auto');
    const saved = await loadSavedModel(dir, args.name ?? defaultModelName(dir));
    const server = createModelServer(saved);
    const address = await server.app.listen({ port: args.port, host: args.host });
    logger.info(`serving ${saved.name} (${dir}) at ${address}/v1/models/${saved.name} — POST ${address}/v1/models/${saved.name}:predict`);
    await new Promise<void>((resolve, reject) => {
      const stop = (signal: string) => {
        logger.info(`${signal}: finishing ${server.inFlight()} request(s) in flight, then stopping`);
        server.app.close().then(() => {
          logger.info('model server stopped');
          resolve();
        }, reject);
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
  },
};
