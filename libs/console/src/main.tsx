import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Aws, storeCredentials, storedCredentials, type ConsoleConfig, type Credentials } from './aws';
import { BrokersView } from './brokers';
import { QueuesView } from './queues';
import { StreamsView } from './streams';
import './style.css';
import { TopicsView } from './topics';
import { TrucksView } from './trucks';
import { ErrorBox } from './ui';

const VIEWS = { queues: 'Queues', topics: 'Topics', streams: 'Streams', brokers: 'MQ brokers', trucks: 'Trucks' } as const;
type View = keyof typeof VIEWS;

const viewFromHash = (): View => {
  const h = location.hash.replace(/^#\/?/, '');
  return h in VIEWS ? (h as View) : 'queues';
};

function App() {
  const [config, setConfig] = useState<ConsoleConfig | undefined>();
  const [configError, setConfigError] = useState<string | undefined>();
  const [credentials, setCredentials] = useState<Credentials | undefined>(storedCredentials());
  const [view, setView] = useState<View>(viewFromHash());
  useEffect(() => {
    fetch('config.json')
      .then(async (r) => (r.ok ? setConfig((await r.json()) as ConsoleConfig) : setConfigError(`config.json: ${r.status}`)))
      .catch((e: unknown) => setConfigError(String(e)));
    const onHash = () => setView(viewFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  const aws = useMemo(() => {
    if (!config) return undefined;
    if (config.sigv4 && !credentials) return undefined;
    return credentials ? new Aws(credentials.region, credentials) : new Aws(config.region);
  }, [config, credentials]);

  if (configError) return <ErrorBox error={`The console cannot reach the edge: ${configError}`} />;
  if (!config) return <div class="muted">loading…</div>;
  const signIn = (c: Credentials | undefined) => {
    storeCredentials(c);
    setCredentials(c);
  };
  return (
    <div class="app">
      <header>
        <h1>Wharf</h1>
        <nav>
          {(Object.keys(VIEWS) as View[]).map((v) => (
            <a key={v} href={`#/${v}`} class={v === view ? 'current' : ''} data-view={v}>
              {VIEWS[v]}
            </a>
          ))}
        </nav>
        <span class="who">
          {config.sigv4 ? 'SigV4 on' : 'SigV4 off'}
          {credentials && (
            <>
              {' '}· {credentials.accessKeyId} ({credentials.region}) <button onClick={() => signIn(undefined)}>sign out</button>
            </>
          )}
        </span>
      </header>
      {!aws ? (
        <SignIn region={config.region} onSignIn={signIn} />
      ) : (
        <main>
          {view === 'queues' && <QueuesView aws={aws} />}
          {view === 'topics' && <TopicsView aws={aws} />}
          {view === 'streams' && <StreamsView aws={aws} />}
          {view === 'brokers' && <BrokersView aws={aws} />}
          {view === 'trucks' && <TrucksView aws={aws} />}
        </main>
      )}
    </div>
  );
}

/** With WHARF_VERIFY_SIGV4=true every call is signed: the keys stay in this tab's sessionStorage only. */
function SignIn({ region, onSignIn }: { region: string; onSignIn: (c: Credentials) => void }) {
  const [c, setC] = useState<Credentials>({ accessKeyId: '', secretAccessKey: '', region });
  return (
    <form class="signin" data-testid="signin" onSubmit={(e) => (e.preventDefault(), onSignIn(c))}>
      <h2>Credentials</h2>
      <p class="muted">This Wharf verifies SigV4 signatures. The keys stay in this tab (sessionStorage).</p>
      <input name="accessKeyId" placeholder="access key id" value={c.accessKeyId} onInput={(e) => setC({ ...c, accessKeyId: (e.target as HTMLInputElement).value })} />
      <input name="secretAccessKey" type="password" placeholder="secret access key" value={c.secretAccessKey} onInput={(e) => setC({ ...c, secretAccessKey: (e.target as HTMLInputElement).value })} />
      <input name="region" placeholder="region" value={c.region} onInput={(e) => setC({ ...c, region: (e.target as HTMLInputElement).value })} />
      <button type="submit">Sign in</button>
    </form>
  );
}

render(<App />, document.getElementById('app') ?? document.body);
