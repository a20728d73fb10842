// A deliberately small rule set: the type checker does the heavy lifting.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'bench/results/**', '**/*.d.ts'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      eqeqeq: ['error', 'always'],
      'no-restricted-properties': [
        'error',
        { object: 'describe', property: 'only', message: 'Focused tests must not land.' },
        { object: 'it', property: 'only', message: 'Focused tests must not land.' },
        { object: 'test', property: 'only', message: 'Focused tests must not land.' },
        { object: 'describe', property: 'skip', message: 'Skipped tests must not land.' },
        { object: 'it', property: 'skip', message: 'Skipped tests must not land.' },
        { object: 'test', property: 'skip', message: 'Skipped tests must not land.' },
      ],
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-ignore': true, 'ts-nocheck': true, 'ts-expect-error': 'allow-with-description' }],
      '@typescript-eslint/no-unused-vars': ['error', { args: 'all', argsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
);
