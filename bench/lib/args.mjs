// The command line of every bench script: `--name value` options and bare `--flag`s.

const args = process.argv.slice(2);

/** The value after `--name`, else `def` (a string as typed; callers convert). */
export function opt(name, def) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
}

/** True when `--name` was given. */
export function flag(name) {
  return args.includes(`--${name}`);
}
