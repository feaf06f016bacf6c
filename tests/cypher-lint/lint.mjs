#!/usr/bin/env node
// Lint Cypher statements with Neo4j's own linter (@neo4j-cypher/language-support).
//
//   stdin : [{"id": "...", "query": "...", ...optional fields below}]
//   stdout: [{"id": "...", "diagnostics": [{"severity": "error"|"warning"|"info"|"hint",
//                                           "message": "...", "line": n, "column": n}]}]
//   line/column are 1-based (the linter's LSP positions are 0-based; we add 1).
//   Exit 0 whenever every query could be linted, whatever the diagnostics say.
//   Exit 2 (message on stderr) only on our own failure: package missing, bad
//   input JSON, or the linter throwing on a query.
//
// What we found in the pinned version (2.0.0-next.20; every published version is
// a 2.0.0-next.N pre-release, and next.26+ declare engines node >=22/>=24, so
// next.20 is the newest that supports Node 20):
//
// * Import: the package's ESM build ("import" condition) uses extensionless
//   relative imports and does not load under plain Node (ERR_MODULE_NOT_FOUND);
//   the CommonJS build works, so we load it through createRequire. No worker
//   or WASM is needed: it is synchronous ANTLR parsing plus Neo4j's own
//   semantic analysis (Scala.js-compiled front end) in-process.
// * Signature: lintCypherQuery(query, dbSchema, consoleCommandsEnabled?).
//   dbSchema is required in practice ({} is fine); there is no separate Cypher
//   version argument. The version comes from a "CYPHER 5"/"CYPHER 25" prefix in
//   the query, else dbSchema.defaultLanguage, else "CYPHER 5". The existence
//   checks for functions/procedures always use the "CYPHER 5" registry while the
//   package's internal cypher25 feature flag is off (its default).
// * Severity: 1 = error (syntax errors, semantic errors such as undefined
//   variables, unknown procedure/function when a registry is given, undeclared
//   parameters), 2 = warning (deprecations, cartesian product, unbounded
//   shortestPath, labels not in schema). 3/4 are mapped to info/hint.
// * Parameters: EVERY $param not listed in dbSchema.parameters is an ERROR
//   ("Parameter $id is not defined."), even with an empty schema. graphdesk
//   always passes parameters through the driver, so by default we declare
//   every parameter the query references (via parseParameters). An item may
//   instead give "parameters": ["name", ...] to declare exactly those.
// * Functions/procedures: with no dbSchema.functions / dbSchema.procedures the
//   linter does NOT report unknown ones (RETURN notAFunction(1), CALL foo.bar()
//   lint clean); built-in function arity is still checked (toLower(1, 2) is an
//   error) but procedure YIELD columns are not. With a registry, unknown names
//   are errors ("Function foo.bar is not present in the database ..."), a
//   procedure used as a function (or the reverse) is an error, YIELD columns
//   and argument counts are checked, and deprecated ones are warnings. We pass
//   the Neo4j 5 catalogue that the package itself ships (testData.mockSchema,
//   dumped from a real Neo4j 5 server) with the apoc.* and gds.* plugin entries
//   removed: all built-in functions (datetime, timestamp, coalesce, toLower,
//   vector.similarity.*, ...) and the db.* / dbms.* / tx.* / cdc.* procedures
//   (db.index.fulltext.queryNodes, db.index.vector.queryNodes, ...). So APOC
//   or GDS calls ARE reported as unknown. Startup fails if that catalogue is
//   missing, rather than silently linting without it.
// * Labels / relationship types: only checked when the schema has BOTH
//   dbSchema.labels and dbSchema.relationshipTypes, and then an unknown one is
//   only a warning (and never in CREATE/MERGE/SET, which may create it). By
//   default we pass neither; an item may give "labels" and/or
//   "relationshipTypes" (arrays) to turn the check on for that query.
// * The semantic analysis keeps global state (its function/procedure resolver
//   is rebuilt only when the registry changes) and swallows its own exceptions
//   (returning no diagnostics), so one process linting many queries with the
//   same registry is both correct and fast.
// * An empty query lints clean; several statements separated by ';' are linted
//   one by one, with positions relative to the whole query text.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

function fail(message) {
  process.stderr.write(`cypher-lint: ${message}\n`);
  process.exit(2);
}

let ls;
try {
  ls = createRequire(import.meta.url)('@neo4j-cypher/language-support');
} catch (e) {
  fail(
    `cannot load @neo4j-cypher/language-support (run "npm ci --prefix tests/cypher-lint"): ${e.message}`,
  );
}
if (typeof ls.lintCypherQuery !== 'function' || typeof ls.parseParameters !== 'function') {
  fail('@neo4j-cypher/language-support does not export lintCypherQuery/parseParameters');
}

// --- the Neo4j 5 function/procedure catalogue, without plugins -------------
const PLUGIN = /^(apoc|gds)\./i;
const REQUIRED_PROCEDURES = ['db.index.fulltext.queryNodes', 'db.index.vector.queryNodes'];
const REQUIRED_FUNCTIONS = ['datetime', 'timestamp', 'coalesce', 'toLower'];

function withoutPlugins(registry) {
  return Object.fromEntries(Object.entries(registry ?? {}).filter(([name]) => !PLUGIN.test(name)));
}

function buildCatalogue() {
  const mock = ls.testData?.mockSchema;
  if (!mock?.functions?.['CYPHER 5'] || !mock?.procedures?.['CYPHER 5']) {
    fail('the package no longer ships testData.mockSchema with a CYPHER 5 catalogue');
  }
  const functions = {};
  const procedures = {};
  for (const version of Object.keys(mock.functions)) {
    functions[version] = withoutPlugins(mock.functions[version]);
  }
  for (const version of Object.keys(mock.procedures)) {
    procedures[version] = withoutPlugins(mock.procedures[version]);
  }
  for (const name of REQUIRED_PROCEDURES) {
    if (!procedures['CYPHER 5'][name]) fail(`catalogue lacks procedure ${name}`);
  }
  for (const name of REQUIRED_FUNCTIONS) {
    if (!functions['CYPHER 5'][name]) fail(`catalogue lacks function ${name}`);
  }
  return { functions, procedures };
}

const catalogue = buildCatalogue();

// --- input -------------------------------------------------------------------
let items;
try {
  items = JSON.parse(readFileSync(0, 'utf8'));
} catch (e) {
  fail(`stdin is not valid JSON: ${e.message}`);
}
if (!Array.isArray(items)) fail('stdin must be a JSON array of {"id", "query"} objects');

function stringArray(value, field, id) {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    fail(`item ${JSON.stringify(id)}: "${field}" must be an array of strings`);
  }
  return value;
}

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };

function schemaFor(item) {
  const { id, query } = item;
  const declared =
    stringArray(item.parameters, 'parameters', id) ?? ls.parseParameters(query, false);
  const schema = {
    functions: catalogue.functions,
    procedures: catalogue.procedures,
    parameters: Object.fromEntries(declared.map((name) => [name, null])),
  };
  const labels = stringArray(item.labels, 'labels', id);
  const relationshipTypes = stringArray(item.relationshipTypes, 'relationshipTypes', id);
  if (labels !== undefined || relationshipTypes !== undefined) {
    schema.labels = labels ?? [];
    schema.relationshipTypes = relationshipTypes ?? [];
  }
  return schema;
}

// --- lint ----------------------------------------------------------------------
const results = items.map((item, index) => {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    fail(`item #${index} is not an object`);
  }
  const { id, query } = item;
  if (typeof id !== 'string' && typeof id !== 'number') fail(`item #${index} has no string "id"`);
  if (typeof query !== 'string') fail(`item ${JSON.stringify(id)} has no string "query"`);

  let raw;
  try {
    raw = ls.lintCypherQuery(query, schemaFor(item), false);
  } catch (e) {
    fail(`linter threw on item ${JSON.stringify(id)}: ${e?.stack ?? e}`);
  }
  const diagnostics = raw.map((d) => ({
    severity: SEVERITY[d.severity ?? 1] ?? String(d.severity),
    message: d.message,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
  }));
  return { id, diagnostics };
});

process.stdout.write(JSON.stringify(results) + '\n');
process.exitCode = 0;
