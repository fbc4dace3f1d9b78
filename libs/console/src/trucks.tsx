import { GetRecordsCommand, GetShardIteratorCommand, type Shard } from '@aws-sdk/client-kinesis';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Aws } from './aws';
import { colour } from './keyspace';
import { Fleet, parsePosition, type TruckState } from './fleet';
import { listAllShards } from './streams';
import { ErrorBox } from './ui';

/** The demo's streams (the CLI's contract: `wharf demo trucks`). */
const SOURCES = {
  kinesis: { stream: 'wharf-demo-trucks', colourBy: 'shard' },
  'sqs-fifo': { stream: 'wharf-demo-observations', colourBy: 'consumer' },
} as const;
type Source = keyof typeof SOURCES;

/**
 * Reads every shard of the demo stream in the page (GetRecords), parents before children so each truck's
 * positions arrive in the order the stream keeps them. Shards open when the view starts are read from
 * LATEST (an earlier run's positions would restart every truck at seq 0); shards that appear later from
 * their start.
 */
function useFleet(aws: Aws, source: Source): { fleet: Fleet; version: number; error?: string; carriers: string[] } {
  const fleetRef = useRef(new Fleet());
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<string | undefined>();
  const carriersRef = useRef<string[]>([]);
  useEffect(() => {
    const fleet = new Fleet();
    fleetRef.current = fleet;
    carriersRef.current = [];
    let live = true;
    const stream = SOURCES[source].stream;
    const iterators = new Map<string, string | null>(); // shard → iterator; null = read to its end
    let known: Shard[] = [];
    let first = true;
    let lastList = 0;
    const loop = async () => {
      while (live) {
        try {
          if (Date.now() - lastList > 3_000) {
            known = await listAllShards(aws, stream);
            lastList = Date.now();
            for (const s of known) {
              const id = s.ShardId ?? '';
              if (iterators.has(id)) continue;
              const parents = [s.ParentShardId, s.AdjacentParentShardId].filter((p): p is string => !!p && known.some((k) => k.ShardId === p));
              const open = !s.SequenceNumberRange?.EndingSequenceNumber;
              if (first && !open) continue; // history before the view opened
              if (!first && parents.some((p) => iterators.get(p) !== null && iterators.has(p))) continue; // parents first
              const type = first ? 'LATEST' : 'TRIM_HORIZON';
              const it = await aws.kinesis.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: id, ShardIteratorType: type }));
              iterators.set(id, it.ShardIterator ?? null);
              if (source === 'kinesis' && !carriersRef.current.includes(id)) carriersRef.current.push(id);
            }
            first = false;
          }
          let got = 0;
          for (const [id, it] of iterators) {
            if (!it) continue;
            const r = await aws.kinesis.send(new GetRecordsCommand({ ShardIterator: it, Limit: 1000 }));
            iterators.set(id, r.NextShardIterator ?? null);
            if (!r.NextShardIterator) lastList = 0; // closed: look for its children now
            for (const rec of r.Records ?? []) {
              const p = parsePosition(rec.Data, id);
              if (!p) continue;
              if (!carriersRef.current.includes(p.carrier)) carriersRef.current.push(p.carrier);
              fleet.add(p);
              got++;
            }
          }
          setError(undefined);
          if (got) setVersion((v) => v + 1);
        } catch (err) {
          const e = err as { name?: string; message?: string };
          if (e.name === 'ResourceNotFoundException') {
            setError(`Stream ${stream} does not exist yet: start \`wharf demo trucks --via ${source}\`.`);
            lastList = 0;
            first = true;
            iterators.clear();
          } else setError(`${e.name ?? 'Error'}: ${e.message ?? String(err)}`);
          await sleep(2_000);
        }
        await sleep(400);
      }
    };
    void loop();
    return () => {
      live = false;
    };
  }, [aws, source]);
  return { fleet: fleetRef.current, version, error, carriers: carriersRef.current };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function TrucksView({ aws }: { aws: Aws }) {
  const [source, setSource] = useState<Source>('kinesis');
  const { fleet, error, carriers } = useFleet(aws, source);
  const trucks = [...fleet.trucks.values()].sort((a, b) => a.truck.localeCompare(b.truck));
  const colourOf = (c: string) => colour(Math.max(0, carriers.indexOf(c)), Math.max(1, carriers.length));
  return (
    <section class="detail-pane wide" data-testid="trucks">
      <h2>
        Trucks{' '}
        <select value={source} onChange={(e) => setSource((e.target as HTMLSelectElement).value as Source)}>
          <option value="kinesis">Kinesis (colour = shard)</option>
          <option value="sqs-fifo">SQS FIFO (colour = consumer)</option>
        </select>
      </h2>
      <ErrorBox error={error} />
      <div class="muted" data-testid="truck-summary">
        {trucks.length} trucks · {trucks.reduce((n, t) => n + t.received, 0)} positions · <span data-testid="violations">{fleet.violations}</span> out of order
      </div>
      <div class="trucks">
        <MapView trucks={trucks} colourOf={colourOf} />
        <div>
          <div class="legend">
            {carriers.map((c) => (
              <div key={c}>
                <span class="swatch" style={{ background: colourOf(c) }} /> {c}
              </div>
            ))}
          </div>
          <div class="ticks" data-testid="ticks">
            {trucks.map((t) => (
              <span key={t.truck} class={`tick ${t.outOfOrder ? 'bad' : 'good'}`} data-truck={t.truck} title={t.outOfOrder ? `${t.truck}: seq ${t.outOfOrder.got} after ${t.outOfOrder.after}` : `${t.truck}: seq ${t.lastSeq}`} />
            ))}
          </div>
        </div>
      </div>
    </section>
  );
}

/** An offline drawing: a graticule over the fleet's bounding box, each trail a polyline, each truck a dot. */
function MapView({ trucks, colourOf }: { trucks: TruckState[]; colourOf: (carrier: string) => string }) {
  const W = 800;
  const H = 560;
  let [minLon, maxLon, minLat, maxLat] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const t of trucks) for (const [lon, lat] of t.trail) {
    minLon = Math.min(minLon, lon);
    maxLon = Math.max(maxLon, lon);
    minLat = Math.min(minLat, lat);
    maxLat = Math.max(maxLat, lat);
  }
  if (!Number.isFinite(minLon)) [minLon, maxLon, minLat, maxLat] = [3, 7, 50, 54];
  const pad = 0.05 * Math.max(maxLon - minLon, maxLat - minLat, 0.01);
  [minLon, maxLon, minLat, maxLat] = [minLon - pad, maxLon + pad, minLat - pad, maxLat + pad];
  const x = (lon: number) => ((lon - minLon) / (maxLon - minLon)) * W;
  const y = (lat: number) => H - ((lat - minLat) / (maxLat - minLat)) * H;
  const step = niceStep(Math.max(maxLon - minLon, maxLat - minLat) / 8);
  const lines = [];
  for (let lon = Math.ceil(minLon / step) * step; lon < maxLon; lon += step) lines.push(<line key={`x${lon}`} x1={x(lon)} x2={x(lon)} y1={0} y2={H} class="grid-line" />, <text key={`tx${lon}`} x={x(lon) + 2} y={H - 4} class="grid-label">{lon.toFixed(2)}°</text>);
  for (let lat = Math.ceil(minLat / step) * step; lat < maxLat; lat += step) lines.push(<line key={`y${lat}`} y1={y(lat)} y2={y(lat)} x1={0} x2={W} class="grid-line" />, <text key={`ty${lat}`} x={2} y={y(lat) - 2} class="grid-label">{lat.toFixed(2)}°</text>);
  return (
    <svg class="map" data-testid="map" viewBox={`0 0 ${W} ${H}`}>
      <rect width={W} height={H} class="map-bg" />
      {lines}
      {trucks.map((t) => {
        const c = colourOf(t.carrier);
        const last = t.trail[t.trail.length - 1];
        return (
          <g key={t.truck} data-truck={t.truck}>
            <polyline points={t.trail.map(([lon, lat]) => `${x(lon).toFixed(1)},${y(lat).toFixed(1)}`).join(' ')} fill="none" stroke={c} stroke-width={1.5} opacity={0.6} />
            {last && <circle cx={x(last[0])} cy={y(last[1])} r={4} fill={c} stroke={t.outOfOrder ? '#d00' : '#fff'} stroke-width={t.outOfOrder ? 2 : 1} />}
          </g>
        );
      })}
    </svg>
  );
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw || 1));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}
