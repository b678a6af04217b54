import { useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { Alert } from './Alert';
import { LOGOUT, ME, UNAUTHENTICATED } from './api';
import { Import } from './Import';
import { Login } from './Login';
import { ModelPage } from './ModelPage';
import { Models } from './Models';
import { NewModel } from './NewModel';
import { Tokens } from './Tokens';
import { Users } from './Users';
import { CompoundPage } from './CompoundPage';
import { Compounds } from './Compounds';
import { errorMessage } from './label';
import { pageTitle, parseRoute } from './route';

/** App checks who is signed in, then shows the page the URL's hash names. */
export function App() {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const [{ data, error, fetching }, refetchMe] = useQuery({ query: ME });
  const [, logout] = useMutation(LOGOUT);
  // A model's workspace names itself (tab and model) once its model loads.
  useEffect(() => {
    if (route.page !== 'model') document.title = pageTitle(route);
  }, [route]);

  const unauthenticated = error?.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
  const signedIn = !!data?.me && !unauthenticated;
  useEffect(() => {
    if (!signedIn) return;
    const onGone = () => refetchMe({ requestPolicy: 'network-only' });
    window.addEventListener(UNAUTHENTICATED, onGone);
    return () => window.removeEventListener(UNAUTHENTICATED, onGone);
  }, [signedIn, refetchMe]);
  let body;
  if (fetching && !data) {
    body = <p>Loading…</p>;
  } else if (unauthenticated || (!data && !error)) {
    body = <Login onSignedIn={() => refetchMe({ requestPolicy: 'network-only' })} />;
  } else if (!data) {
    body = <Alert>{errorMessage(error)}</Alert>;
  } else if (route.page === 'model') {
    body = <ModelPage modelId={route.modelId} tab={route.tab} itemId={route.itemId} user={data.me} />;
  } else if (route.page === 'new-model') {
    body = data.me.role === 'ADMIN' ? <NewModel /> : <p>Creating a model needs the admin role.</p>;
  } else if (route.page === 'users') {
    body = data.me.role === 'ADMIN' ? <Users me={data.me} /> : <p>Managing users needs the admin role.</p>;
  } else if (route.page === 'compounds') {
    body = <Compounds />;
  } else if (route.page === 'compound') {
    body = <CompoundPage key={route.compoundId} id={route.compoundId} />;
  } else if (route.page === 'tokens') {
    body = <Tokens />;
  } else if (route.page === 'import') {
    body = data.me.role === 'VIEWER' ? <p>Importing compounds needs the scientist role.</p> : <Import />;
  } else {
    body = <Models user={data.me} />;
  }

  return (
    <>
      <header>
        <h1>
          <a href="#/">ActiveLab</a>
        </h1>
        {data && !unauthenticated && (
          <nav className="who" aria-label="Main">
            <a href="#/compounds">Compounds</a>
            {data.me.role !== 'VIEWER' && <a href="#/import">Import compounds</a>}
            <a href="#/tokens">API tokens</a>
            {data.me.role === 'ADMIN' && <a href="#/users">Users</a>}
            <span className="me">
              {data.me.name || data.me.email} · {data.me.role.toLowerCase()}
            </span>
            <button
              className="secondary"
              onClick={async () => {
                await logout({});
                refetchMe({ requestPolicy: 'network-only' });
              }}
            >
              Sign out
            </button>
          </nav>
        )}
      </header>
      <main>{body}</main>
    </>
  );
}
