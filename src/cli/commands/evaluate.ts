/** `pipeline evaluate <model> [--data test|<config>]`: scores a saved model on test data or on any config's data. */
import type { CommandModule } from 'yargs';

interface EvaluateArgs {
  model: string;
  data: string;
  set: string[];
  json: boolean;
}

export const evaluateCommand: CommandModule<object, EvaluateArgs> = {
  command: 'evaluate <model>',
  describe: 'Score a saved model (a run folder or its model/ folder): accuracy, per-class metrics, confusion matrix.',
  builder: (y) =>
    y
      .positional('model', { type: 'string', demandOption: true, describe: 'A run whose steps included save, or a folder with model.json.' })
      .option('data', {
        type: 'string',
        default: 'test',
        describe: 'test: the test data of the run the model came from (MNIST test for a bare model folder); or a config whose data to score.',
      })
      .option('set', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: 'Override a value of that config: --set data.stages[0].count=1000.',
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON.' }),
  async handler(args) {
    const { selectBackend } = await import('../../backend/select');
    const { loadSavedModel } = await import('../../pipeline/saved-model');
    const { evaluateSaved, evaluationData } = await import('../../pipeline/evaluate-saved');
    const { predictionSummaryText } = await import('../../report/prediction-text');
    await selectBackend('auto', { quiet: true });
    const saved = await loadSavedModel(args.model);
    const result = evaluateSaved(saved, await evaluationData(saved, args.model, args.data, args.set));
    process.stdout.write(
      args.json ? `${JSON.stringify(result, null, 2)}\n` : predictionSummaryText(`${result.model} on ${result.data}`, result, result.classNames),
    );
  },
};
