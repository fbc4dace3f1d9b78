// Test support of @wharf/mq-engine: imported as '@wharf/mq-engine/testing' from spec files only.
export * from './fake-backend';
export * from './in-memory-store';
export * from './fixtures';
