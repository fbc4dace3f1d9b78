import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// What an engine must never import: it holds semantics only (no HTTP, no NestJS, no broker client).
const NOT_IN_ENGINES = ['@nestjs/*', 'fastify', 'undici', 'ioredis', 'kafkajs', 'amqplib', 'rhea', 'mqtt', 'ws', 'pino', 'prom-client'];

// Files where test support may be used: specs, app test folders, and each lib's src/testing/ (never built).
const TEST_FILES = ['**/*.spec.ts', '**/test/**', '**/src/testing/**', 'libs/testing/**', 'bench/**', 'tools/**'];

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
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:engine', 'type:backend', 'type:protocol', 'type:engine-kit', 'type:util', 'type:testing'] },
            // Engines hold the semantics: the protocol's types and errors, the engine kit, nothing else of ours.
            { sourceTag: 'type:engine', onlyDependOnLibsWithTags: ['type:protocol', 'type:engine-kit', 'type:testing'], bannedExternalImports: NOT_IN_ENGINES },
            { sourceTag: 'type:backend', onlyDependOnLibsWithTags: ['type:engine', 'type:protocol', 'type:engine-kit', 'type:util', 'type:testing'] },
            { sourceTag: 'type:protocol', onlyDependOnLibsWithTags: ['type:testing'] },
            { sourceTag: 'type:engine-kit', onlyDependOnLibsWithTags: [], bannedExternalImports: NOT_IN_ENGINES },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:protocol', 'type:engine-kit', 'type:util', 'type:testing'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:protocol', 'type:engine-kit', 'type:util'] },
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
    // Engines: node's HTTP modules too (the module-boundary rule above covers npm packages).
    files: ['libs/*/engine/src/**/*.ts'],
    ignores: TEST_FILES,
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['node:http', 'node:http2', 'node:https', 'node:net', 'http', 'http2', 'https', 'net'],
          message: 'Engines know nothing of HTTP or sockets: put that in the app or a backend.' },
        { group: ['@wharf/testing', '@wharf/*/testing'],
          message: 'Test support is for spec files, test/ folders and src/testing/ only.' },
      ] }],
    },
  },
  {
    // Production code never pulls in test support (the broker harness, a lib's src/testing/).
    files: ['**/*.ts'],
    ignores: [...TEST_FILES, 'libs/*/engine/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['@wharf/testing', '@wharf/*/testing'],
          message: 'Test support is for spec files, test/ folders and src/testing/ only.' },
      ] }],
    },
  },
];
