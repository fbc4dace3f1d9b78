// A Chrome DevTools Protocol session on a Node process started with --inspect=127.0.0.1:0 (its URL is
// printed on stderr at start): memory figures after a forced GC (bench/soak) and CPU profiles of the
// measured window only (bench/run.mjs --profile), summarised as where the process's busy time went.

/** Opens the inspector named in a process's output ("Debugger listening on ws://…"). */
export async function openInspector(name, output) {
  const url = /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1];
  if (!url) throw new Error(`no inspector URL in ${name}'s output`);
  const ws = new WebSocket(url);
  await new Promise((ok, fail) => {
    ws.onopen = ok;
    ws.onerror = fail;
  });
  let nextId = 1;
  const waiting = new Map();
  ws.onmessage = (m) => {
    const d = JSON.parse(m.data);
    waiting.get(d.id)?.(d.result);
    waiting.delete(d.id);
  };
  const send = (method, params = {}) =>
    new Promise((ok) => {
      const id = nextId++;
      waiting.set(id, ok);
      ws.send(JSON.stringify({ id, method, params }));
    });
  return {
    /** process.memoryUsage() inside the process, in bytes; with `gc`, after a full collection first. */
    async memory(gc = false) {
      if (gc) await send('HeapProfiler.collectGarbage');
      const r = await send('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true });
      return JSON.parse(r.result.value);
    },
    async startProfile() {
      await send('Profiler.enable');
      await send('Profiler.start');
    },
    /** The V8 CPU profile since startProfile. */
    async stopProfile() {
      return (await send('Profiler.stop')).profile;
    },
    close: () => ws.close(),
  };
}

/** Where a node of the profile lives: a package, a Wharf lib or app, a node: module, or V8 itself. */
function placeOf(frame) {
  const url = frame.url;
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').split('/')[0];
  const own = /\b(libs|apps)\/([^/]+)(\/(?!src|dist)[^/]+)?/.exec(url);
  return own ? own[0] : url;
}

/**
 * Self time by place and by function, as shares of the busy time (idle and the profiler's own excluded);
 * `busyMs` beside the window's length says how loaded the process was. The profiler samples the main thread
 * by the clock, not by CPU: a thread descheduled inside a function (a socket write that wakes the peer on a
 * full machine) is charged to that function, so a native write can look far costlier than its CPU. Read
 * `busyMs` beside the process's CPU from the kernel; the excess is time the thread waited for a core.
 */
export function summarizeProfile(profile, top = 8) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const places = new Map();
  const functions = new Map();
  let busy = 0;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const frame = byId.get(profile.samples[i]).callFrame;
    if (frame.functionName === '(idle)' || frame.functionName === '(program)') continue;
    busy += dt;
    const place = placeOf(frame);
    places.set(place, (places.get(place) ?? 0) + dt);
    const fn = `${frame.functionName || '(anonymous)'} (${place}${frame.url ? `:${frame.lineNumber + 1}` : ''})`;
    functions.set(fn, (functions.get(fn) ?? 0) + dt);
  }
  const share = (m) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => ({ name: k, share: busy ? v / busy : 0 }));
  return { windowMs: total / 1000, busyMs: busy / 1000, places: share(places), functions: share(functions) };
}

/** A few lines for the console. */
export function formatSummary(title, s) {
  const pct = (x) => `${(x.share * 100).toFixed(0)}% ${x.name}`;
  return [
    `  profile ${title}: busy ${(s.busyMs / 1000).toFixed(1)} s of ${(s.windowMs / 1000).toFixed(1)} s${s.processCpuMs === undefined ? '' : `; process CPU (all threads, from the kernel) ${(s.processCpuMs / 1000).toFixed(1)} s`}`,
    `    by place:    ${s.places.map(pct).join(', ')}`,
    `    by function: ${s.functions.slice(0, 6).map(pct).join(', ')}`,
  ].join('\n');
}
