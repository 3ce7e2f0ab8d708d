// ESLint (typescript-eslint, type-aware) for src, test and bench; Prettier owns the layout (prettier.config.js).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

// Workflow code runs in Temporal's deterministic sandbox and the domain is pure: no Node built-ins, no database, and
// activities only as types (their values do I/O). The bundler would catch some of this at run time; lint catches it
// all.
const deterministic = {
  paths: builtinModules.map((name) => ({ name, message: 'no Node built-ins in workflow or domain code' })),
  patterns: [
    { group: ['node:*'], message: 'no Node built-ins in workflow or domain code' },
    { group: ['@mikro-orm/*', 'pg', 'pino', 'pino-*'], message: 'no I/O libraries in workflow or domain code' },
    {
      group: ['**/activities/*'],
      allowTypeImports: true,
      message: 'activities only as types (import type) in workflow or domain code',
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'bench/results/**', 'test/histories/*.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/workflows/**', 'src/domain/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', deterministic] },
  },
  { files: ['**/*.js', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { process: 'readonly', require: 'readonly' } },
  },
  prettier,
);
