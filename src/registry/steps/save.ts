/** Writes the final model in the TensorFlow.js layers format, with preprocessing.json saying how to prepare its input. */
import { classNamesOf } from '../../data/dataset';
import { digitRecipe, ModelInput, PREPROCESSING_JSON, PREPROCESSING_VERSION } from '../../data/model-input';
import { RunError } from '../../errors';
import { logger } from '../../log';
import { options } from '../options';
import { layersModelFiles } from './layers-format';
import { step } from './step-component';

export const MODEL_DIR = 'model';

export const save = step({
  name: 'save',
  description: 'Writes the model fit trained to model/ (model.json, weight shards, preprocessing.json).',
  requires: ['the final model'],
  provides: [],
  optionsSchema: options({}),
  create: () => ({
    async run(context) {
      const final = context.final;
      if (!final) throw new RunError('save: there is no final model to save.');
      const { model } = final.training;
      const dataset = context.dataset();
      const input: ModelInput = {
        version: PREPROCESSING_VERSION,
        sampleShape: dataset.sampleShape,
        normalization: { scale: dataset.scale, offset: dataset.offset },
        classNames: classNamesOf(dataset, model.outputs[0].shape[1] ?? dataset.numClasses),
        image: digitRecipe(dataset.sampleShape[0]),
      };
      const files = await layersModelFiles(model);
      await context.folder.writeFiles(MODEL_DIR, [[PREPROCESSING_JSON, `${JSON.stringify(input, null, 2)}\n`], ...files]);
      final.savedTo = MODEL_DIR;
      logger.info(`model saved: ${context.folder.file(MODEL_DIR)}`);
    },
  }),
});
