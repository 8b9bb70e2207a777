// One linter for the whole tree. The import-direction rules keep FFI out of the sandbox:
// runtime/ (code that runs inside a sealed worker) must never reach koffi or native/,
// and nothing imports src/ (the host side) back.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noFfi = {
  paths: [{ name: 'koffi', message: 'runtime/ runs inside the sandbox: no FFI may be reachable.' }],
  patterns: [
    { group: ['**/native/**', '**/native'], message: 'runtime/ must not import native/.' },
    { group: ['**/src/**'], message: 'nothing imports src/ (the host side) back.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'examples/**/build/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  { files: ['runtime/**/*.ts'], rules: { 'no-restricted-imports': ['error', noFfi] } },
  {
    files: ['native/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/src/**'], message: 'nothing imports src/ back.' }] },
      ],
    },
  },
);
