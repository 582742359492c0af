import { builtinModules } from 'node:module'
import tseslint from 'typescript-eslint'

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)]

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/.next/**', '**/.next-*/**', '**/.data/**', '**/dist/**', 'web/public/**', '**/next-env.d.ts', '**/.scratch/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Vitest's toMatchObject walks a RegExp like an object with no keys, so `{ message: /x/ }`
    // matches any value and the assertion can never fail; expect.stringMatching(/x/) does match.
    files: ['**/*.test.ts', '**/test/**/*.ts', '**/e2e/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name=/^(toMatchObject|toHaveProperty)$/] Property > Literal[regex]",
          message: 'A RegExp inside toMatchObject matches anything; use expect.stringMatching(/…/).',
        },
      ],
    },
  },
  {
    // Workflow code is replayed deterministically in Temporal's sandbox: no Node builtins there.
    files: ['workflows/src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow code runs in a deterministic sandbox: no Node builtins; do I/O in an activity.' })) }],
    },
  },
)
