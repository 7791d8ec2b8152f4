/** Writes a new experiment config that extends an existing one, with the line that gives editors the schema, and validates it. */
import { promises as fs } from 'fs';
import * as path from 'path';
import { ConfigError } from '../errors';
import { configPath, CONFIG_DIR, LoadedExperiment, loadExperiment } from './load';

/** Where the committed schema lives in a project, for the modeline's relative path. */
export const SCHEMA_FILE = path.join('schema', 'experiment.schema.json');

/** The comment the YAML language server reads to check and complete a file against a schema. */
export function schemaModeline(configFile: string, schemaFile = path.resolve(SCHEMA_FILE)): string {
  return `# yaml-language-server: $schema=${path.relative(path.dirname(configFile), schemaFile).split(path.sep).join('/')}`;
}

/** Writes configs/<name>.yaml (or the path given) as a child of `from`, refusing to overwrite; removes it again if it does not validate. */
export async function initConfig(name: string, from: string, configDir = CONFIG_DIR): Promise<LoadedExperiment> {
  const file = configPath(name, configDir);
  // A path is written relative to the new file, which is where `extends` resolves it from.
  const parent = from.includes('/') || /\.ya?ml$/.test(from) ? path.relative(path.dirname(file), path.resolve(from)) : from;
  const text = [
    schemaModeline(file),
    `extends: ${parent}`,
    `description: ${path.basename(file).replace(/\.ya?ml$/, '')}, a variant of ${from}.`,
    '',
    `# Settings written below replace ${from}'s: mappings merge, lists replace, and a component whose type changes`,
    '# (for example evaluation: { type: holdout }) is replaced whole. `pipeline components` lists every option.',
    '',
  ].join('\n');
  await fs.mkdir(path.dirname(file), { recursive: true });
  try {
    await fs.writeFile(file, text, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new ConfigError(`${path.relative(process.cwd(), file)} already exists; pick another name or edit it.`);
    throw error;
  }
  try {
    return await loadExperiment(file, [], configDir);
  } catch (error) {
    await fs.rm(file, { force: true });
    throw error;
  }
}
