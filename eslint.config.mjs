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
      // The package is CommonJS, and require() is how it loads what may be absent or must load late: the optional
      // tfjs-node, the native addon, the wasm backend after the kernels it overrides, package.json versions.
      '@typescript-eslint/no-require-imports': 'off',
      // A leading underscore names what is left out on purpose, e.g. keys dropped by `const { name: _name, ...rest }`.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Shapes and sizes ([2, 3]) read naturally in messages as JavaScript prints them.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowArray: true, allowNullish: true }],
      // Steps and schedulers implement Promise-returning interfaces; an implementation with nothing to await is fine.
      '@typescript-eslint/require-await': 'off',
    },
  },
  { files: ['**/*.js'], languageOptions: { sourceType: 'commonjs', globals: node } },
  prettier,
);
