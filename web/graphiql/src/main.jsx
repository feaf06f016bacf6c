// graphdesk's GraphiQL: the page GET /graphql shows in development.
// Bundled by build.mjs into api/static/graphiql/; nothing here loads from the network
// except the GraphQL endpoint itself (the page's own URL).
import './workers.js';

import { explorerPlugin } from '@graphiql/plugin-explorer';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import React from 'react';
import { createRoot } from 'react-dom/client';

import '@graphiql/react/font/roboto.css';
import '@graphiql/react/font/fira-code.css';
import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';

const DEFAULT_QUERY = `# Ask graphdesk a support question: the answer
# comes with its citations. Run it with Ctrl-Enter
# or the ▶ button; Docs and Explorer (left) show
# the whole schema.
{
  ask(question: "NDB-1001 too many connections") {
    text
    mode
    confidence
    citations { kind uri title snippet code }
  }
}
`;

// ?q=...&variables=... opens a shared query; edits are written back to the URL. Not
// ?query=: a GET /graphql with a query parameter runs it instead of showing this page.
const params = new URLSearchParams(window.location.search);
const endpoint = window.location.href.split(/[?#]/)[0];

function updateURL(key, value) {
  if (value) params.set(key, value);
  else params.delete(key);
  const search = params.toString();
  window.history.replaceState(null, '', search ? `?${search}` : window.location.pathname);
}

const fetcher = createGraphiQLFetcher({ url: endpoint });
const plugins = [explorerPlugin()];

function App() {
  return (
    <GraphiQL
      fetcher={fetcher}
      plugins={plugins}
      defaultQuery={DEFAULT_QUERY}
      initialQuery={params.get('q') ?? undefined}
      initialVariables={params.get('variables') ?? undefined}
      onEditQuery={value => updateURL('q', value)}
      onEditVariables={value => updateURL('variables', value)}
      defaultEditorToolsVisibility
      isHeadersEditorEnabled
    />
  );
}

createRoot(document.getElementById('graphiql')).render(<App />);
