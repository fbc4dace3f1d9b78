import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['**/dist/**', '**/node_modules/**', 'tools/brokers/**/lib/**', 'tmp/**', '.nx/**'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // Apps are thin wiring: they use libs, and no app imports another app.
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:engine', 'type:backend', 'type:protocol', 'type:util'] },
            // Engines hold the semantics: no HTTP, no NestJS, no broker client, no other service.
            { sourceTag: 'type:engine', onlyDependOnLibsWithTags: ['type:protocol', 'type:util'] },
            { sourceTag: 'type:backend', onlyDependOnLibsWithTags: ['type:engine', 'type:protocol', 'type:util'] },
            { sourceTag: 'type:protocol', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:protocol', 'type:util'] },
            { sourceTag: 'scope:sqs', onlyDependOnLibsWithTags: ['scope:sqs', 'scope:shared'] },
            { sourceTag: 'scope:sns', onlyDependOnLibsWithTags: ['scope:sns', 'scope:shared'] },
            { sourceTag: 'scope:kinesis', onlyDependOnLibsWithTags: ['scope:kinesis', 'scope:shared'] },
            { sourceTag: 'scope:mq', onlyDependOnLibsWithTags: ['scope:mq', 'scope:shared'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/*/engine/**/*.ts', 'libs/**/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['@nestjs/*', 'fastify', 'node:http', 'node:http2', 'http', 'http2', 'ioredis', 'kafkajs', 'amqplib'],
          message: 'Engines know nothing of HTTP, NestJS or broker clients: put that in the app or a backend.' },
      ] }],
    },
  },
];
