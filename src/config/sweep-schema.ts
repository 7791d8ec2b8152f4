/** The `sweep:` section of a config: the settings to vary (a grid, random draws) and the metric that ranks the trials. */
import { Static, Type } from '@sinclair/typebox';
import { enumOf, options } from '../registry/options';
import { HOSTILE_KEYS } from './hostile-keys';

/** Key paths as `--set` writes them: names and [index]; never a key that reaches an object's prototype. */
export const KEY_PATH_PATTERN = `^(?!(.*[.\\]])?(${HOSTILE_KEYS.join('|')})([.\\[]|$))[A-Za-z_][A-Za-z0-9_]*(\\[\\d+\\])*(\\.[A-Za-z_][A-Za-z0-9_]*(\\[\\d+\\])*)*$`;

const range = (type: 'uniform' | 'logUniform' | 'int', description: string) =>
  options({ type: Type.Literal(type), min: Type.Number(), max: Type.Number() }, { description });

const distribution = Type.Union([
  options(
    { type: Type.Literal('choice'), values: Type.Array(Type.Unknown(), { minItems: 1 }) },
    { description: 'One of the listed values, each equally likely.' },
  ),
  range('uniform', 'A number drawn evenly between min and max.'),
  range('logUniform', 'A number whose logarithm is drawn evenly between log(min) and log(max): for learning rates.'),
  range('int', 'A whole number from min to max, both included.'),
]);

export const sweepSchema = options(
  {
    metric: Type.String({
      minLength: 1,
      default: 'accuracy',
      description: 'The summary metric of report.json that ranks the trials (accuracy, loss, ...).',
    }),
    goal: Type.Optional(
      enumOf(['maximize', 'minimize'] as const, {
        description: 'Whether a higher metric is better; by default loss is minimized and anything else maximized.',
      }),
    ),
    grid: Type.Optional(
      Type.Record(Type.String({ pattern: KEY_PATH_PATTERN }), Type.Array(Type.Unknown(), { minItems: 1 }), {
        description: 'Values per key path (as --set writes it, e.g. training.optimizer.learningRate); every combination is a trial.',
      }),
    ),
    random: Type.Optional(
      options(
        {
          trials: Type.Integer({ minimum: 1, maximum: 1000, description: 'How many draws of every parameter.' }),
          seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647, description: 'Seeds the draws; defaults to the config seed.' })),
          parameters: Type.Record(Type.String({ pattern: KEY_PATH_PATTERN }), distribution, { description: 'A distribution per key path.' }),
        },
        { description: 'Random draws, crossed with the grid when both are given.' },
      ),
    ),
  },
  { description: 'Runs the experiment once per setting: `pipeline sweep` expands this into trials, each an ordinary run.' },
);

export type SweepSpec = Static<typeof sweepSchema>;
export type Distribution = Static<typeof distribution>;
