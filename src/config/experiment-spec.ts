/** The typed shape of a validated experiment config, derived from the schema assembled in schema.ts. */
import type { Static } from '@sinclair/typebox';
import type { ExperimentSchema } from './schema';

export type { BackendName } from './backend-names';

/** What the schema accepts, defaults filled in, with the name always set: it defaults to the config file's name. */
export type ExperimentSpec = Static<ExperimentSchema> & { name: string };
