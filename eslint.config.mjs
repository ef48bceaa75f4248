import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import { ADAPTERS, STAGES } from './scripts/stages.mjs'

/** Folder import zones: a wrong-way import fails `npm run lint`. */
const forbidden = (folders) =>
  folders.map((folder) => ({
    group: [`**/${folder}/*`, `**/${folder}/**`],
    message: `src/ imports run one way: this stage comes before ${folder}/ (see scripts/stages.mjs).`,
  }))
const importZones = [
  ...STAGES.map((stage, rank) => ({
    files: [`src/${stage}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: forbidden([...STAGES.slice(rank + 1), ...Object.keys(ADAPTERS)]) },
      ],
    },
  })),
  ...Object.entries(ADAPTERS).map(([adapter, allowed]) => ({
    files: [`src/${adapter}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: forbidden(
            Object.keys(ADAPTERS).filter((other) => other !== adapter && !allowed.includes(other)),
          ),
        },
      ],
    },
  })),
]

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-confusing-void-expression': [
        'error',
        { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  ...importZones,
  {
    files: ['scripts/**', 'test/**'],
    rules: {
      'no-console': 'off',
      // Fake servers answer with `return send(...)` in long route tables.
      '@typescript-eslint/no-confusing-void-expression': 'off',
    },
  },
  {
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
)
