// Test support of @wharf/engine-kit: imported as '@wharf/engine-kit/testing' from spec files only.
export * from './manual-clock';
