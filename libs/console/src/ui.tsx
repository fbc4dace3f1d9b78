import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { describeError } from './aws';

export interface Polled<T> {
  data: T | undefined;
  error: string | undefined;
  refresh: () => void;
}

/**
 * Calls `load` now and every `intervalMs` while the tab is visible (the console's live updates are polling:
 * the same signed AWS calls a user could make, no server-side state and no long-lived connection on the
 * edge). A failure keeps the last data and shows its message.
 */
export function usePoll<T>(load: () => Promise<T>, intervalMs: number, deps: unknown[]): Polled<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      if (!live) return;
      if (document.visibilityState !== 'hidden') {
        try {
          const value = await loadRef.current();
          if (live) {
            setData(value);
            setError(undefined);
          }
        } catch (err) {
          if (live) setError(describeError(err));
        }
      }
      if (live && intervalMs > 0) timer = setTimeout(run, intervalMs);
    };
    void run();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [...deps, tick, intervalMs]);
  const refresh = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, refresh };
}

export function ErrorBox({ error }: { error: string | undefined }) {
  if (!error) return null;
  return (
    <div class="error" role="alert">
      {error}
    </div>
  );
}

/** Runs an action from a button: busy while it runs, its error or result shown under it. */
export function useAction(): { busy: boolean; message: string | undefined; error: string | undefined; run: (f: () => Promise<string | void>) => Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const run = useCallback(async (f: () => Promise<string | void>) => {
    setBusy(true);
    setError(undefined);
    setMessage(undefined);
    try {
      const m = await f();
      if (m) setMessage(m);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, message, error, run };
}

export function ActionResult({ message, error }: { message?: string | undefined; error?: string | undefined }) {
  return (
    <>
      <ErrorBox error={error} />
      {message && <div class="ok">{message}</div>}
    </>
  );
}

/**
 * Renders only the rows in view (fixed row height): a thousand queues cost as much as twenty. Tells the
 * caller which rows are in view, so it loads details for those only.
 */
export function VirtualList<T>(props: {
  items: T[];
  rowHeight: number;
  height: number;
  row: (item: T, index: number) => ComponentChildren;
  onRange?: (first: number, last: number) => void;
  testId?: string;
}) {
  const [scrollTop, setScrollTop] = useState(0);
  const { items, rowHeight, height, onRange } = props;
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - 2);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / rowHeight) + 2);
  useEffect(() => onRange?.(first, last), [first, last, items, onRange]);
  const rows: ComponentChildren[] = [];
  for (let i = first; i < last; i++) {
    rows.push(
      <div class="vrow" style={{ top: `${i * rowHeight}px`, height: `${rowHeight}px` }} key={i}>
        {props.row(items[i], i)}
      </div>,
    );
  }
  return (
    <div class="vlist" data-testid={props.testId} style={{ height: `${Math.min(height, Math.max(rowHeight, items.length * rowHeight))}px` }} onScroll={(e) => setScrollTop((e.currentTarget as HTMLElement).scrollTop)}>
      <div style={{ height: `${items.length * rowHeight}px`, position: 'relative' }}>{rows}</div>
    </div>
  );
}

export function age(ms: number | undefined): string {
  if (ms === undefined || ms < 0) return '—';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** `a=1\nb=2` → { a: '1', b: '2' } (blank lines skipped). */
export function parsePairs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    const eq = t.indexOf('=');
    if (eq <= 0) throw new Error(`"${t}" is not name=value`);
    out[t.slice(0, eq).trim()] = t.slice(eq + 1).trim();
  }
  return out;
}
