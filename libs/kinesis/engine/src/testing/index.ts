// Test support of @wharf/kinesis-engine: imported as '@wharf/kinesis-engine/testing' from spec files only.
export * from './memory-ports';
