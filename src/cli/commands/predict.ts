/** `pipeline predict <model> <images...>`: classifies a person's own digit images with a saved model. */
import type { CommandModule } from 'yargs';
import { RunError } from '../../errors';

interface PredictArgs {
  model: string;
  images: string[];
  json: boolean;
  top: number;
  savePreprocessed?: string;
}

export const predictCommand: CommandModule<object, PredictArgs> = {
  command: 'predict <model> <images..>',
  describe: 'Classify PNG or JPEG images (files or folders) with a saved model: a run folder or its model/ folder.',
  builder: (y) =>
    y
      .positional('model', { type: 'string', demandOption: true, describe: 'A run whose steps included save, or a folder with model.json.' })
      .positional('images', { type: 'string', array: true, demandOption: true, describe: 'Image files, or folders of them.' })
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON.' })
      .option('top', { type: 'number', default: 3, describe: 'How many classes to list per image.' })
      .option('save-preprocessed', { type: 'string', describe: 'Write the 28×28 images the model was given to this folder.' }),
  async handler(args) {
    const { selectBackend } = await import('../../backend/select');
    const { loadSavedModel } = await import('../../pipeline/saved-model');
    const { imageFiles, predictImages } = await import('../../pipeline/predict-images');
    const { logger } = await import('../../log');
    await selectBackend('auto', { quiet: true });
    const saved = await loadSavedModel(args.model);
    const outcomes = await predictImages(saved, await imageFiles(args.images), {
      top: Math.max(1, args.top),
      savePreprocessed: args.savePreprocessed,
    });
    const failed = outcomes.filter((o) => 'error' in o);
    if (args.json) {
      process.stdout.write(`${JSON.stringify(outcomes, null, 2)}\n`);
    } else {
      const percent = (p: number) => `${(100 * p).toFixed(1)}%`;
      const lines = outcomes.flatMap((o) =>
        'error' in o ? [] : [`${o.file}: ${o.top.map((t) => `${t.name} ${percent(t.probability)}`).join(' · ')}`],
      );
      if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
    }
    for (const o of failed) if ('error' in o) logger.error(o.error);
    if (failed.length > 0) throw new RunError(`${failed.length} of ${outcomes.length} images could not be classified.`);
  },
};
