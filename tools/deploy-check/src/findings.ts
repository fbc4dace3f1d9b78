import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseAllDocuments, type ScalarTag, type Tags } from 'yaml';

/** What one structural check found: errors fail it, notes are said and pass. */
export class Findings {
  readonly errors: string[] = [];
  readonly notes: string[] = [];

  err(message: string): void {
    this.errors.push(message);
  }

  note(message: string): void {
    this.notes.push(message);
  }

  /** Runs `check`; a throw is one more error (a file that does not parse, say). */
  run(check: () => void): this {
    try {
      check();
    } catch (e) {
      this.err(e instanceof Error ? e.message : String(e));
    }
    return this;
  }

  /** Prints notes, then errors; true when there were no errors. */
  report(): boolean {
    for (const n of this.notes) console.log(`  note: ${n}`);
    for (const e of this.errors) console.log(`  error: ${e}`);
    return this.errors.length === 0;
  }
}

export type Dict<T = unknown> = Record<string, T>;

export const isObj = (v: unknown): v is Dict => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `value` as an array: undefined is none, a single value is one. */
export const list = <T>(value: T | T[] | undefined | null): T[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);

// YAML 1.2 core schema plus what kustomize (go-yaml v3) and docker-compose (PyYAML) also read: merge keys (<<)
// and a leading-zero integer as octal (defaultMode: 0755 is 493). Write yes/no/on/off quoted: PyYAML reads
// them as booleans.
const LEGACY_OCTAL: ScalarTag = { default: true, tag: 'tag:yaml.org,2002:int', test: /^0[0-7]+$/, resolve: (s) => parseInt(s, 8) };
const YAML_OPTIONS = { merge: true, customTags: (tags: Tags) => [LEGACY_OCTAL, ...tags] };

/** Every non-empty document of a YAML file; throws on a syntax error, naming the file. */
export function loadYaml(file: string): unknown[] {
  const out: unknown[] = [];
  for (const d of parseAllDocuments(readFileSync(file, 'utf8'), YAML_OPTIONS)) {
    if (d.errors.length) throw new Error(`${file}: ${d.errors.map((e) => e.message).join('; ')}`);
    const v: unknown = d.toJS({ maxAliasCount: 1000 });
    if (v !== null && v !== undefined) out.push(v);
  }
  return out;
}

export interface Ran {
  ok: boolean;
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end with no stdin (CI-safe); never throws, a missing command is a failure. */
export function run(cmd: string, args: string[], cwd?: string): Ran {
  const r = spawnSync(cmd, args, { cwd, input: '', encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { ok: r.status === 0, status: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? String(r.error.message) : ''}` };
}

export const hasCommand = (cmd: string): boolean => run('bash', ['-c', `command -v ${cmd}`]).ok;

/** Prints each line of `text` indented (a tool's log under the line that names the tool). */
export function printIndented(text: string, indent = '    '): void {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const l of lines) console.log(`${indent}${l}`);
}
