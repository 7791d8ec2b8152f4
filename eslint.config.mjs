// Lint rules: typescript-eslint's type-checked recommended set on src/ and test/ (each file typed by its nearest
// tsconfig.json, so the browser scripts in src/ui/browser by theirs, with the DOM), JavaScript's recommended set on
// the plain scripts. Formatting is Prettier's alone (eslint-config-prettier switches off the rules it would fight).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const node = { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' };

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'native/build/', 'native/build-sanitize/', 'experiments/'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // `import x = require(...)` is TypeScript's import of a CommonJS module that sets module.exports (the @stdlib
      // packages). A bare require(), for what may be absent or must load late, says why on its line.
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
      // A leading underscore names what is left out on purpose, e.g. keys dropped by `const { name: _name, ...rest }`.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Shapes and sizes ([2, 3]) read naturally in messages as JavaScript prints them.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowArray: true, allowNullish: true }],
      // Steps, schedulers and fastify's route handlers implement Promise-returning contracts (fastify sends what an
      // async handler returns); an implementation with nothing to await keeps the contract's async form.
      '@typescript-eslint/require-await': 'off',
    },
  },
  { files: ['**/*.js'], languageOptions: { sourceType: 'commonjs', globals: node } },
  prettier,
);
