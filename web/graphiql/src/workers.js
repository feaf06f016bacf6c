// Monaco's web workers, served next to this bundle (build.mjs builds each one).
// Imported first by main.jsx: Monaco asks for a worker when the first editor opens.
const here = import.meta.url;

globalThis.MonacoEnvironment = {
  getWorker(_workerId, label) {
    const name = label === 'json' || label === 'graphql' ? label : 'editor';
    return new Worker(new URL(`./${name}.worker.js`, here), { name: label });
  },
};
