// Test support of @wharf/sns-engine: imported as '@wharf/sns-engine/testing' from spec files only.
export * from './memory';
export * from './memory-sns';
