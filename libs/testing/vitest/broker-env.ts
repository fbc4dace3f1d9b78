// Vitest setupFile: before a test file loads, point it (and the apps it spawns, which inherit process.env)
// at the brokers the global setup started. Nothing to do in local mode.
import { inject } from 'vitest';

Object.assign(process.env, inject('wharfBrokerEnv'));
