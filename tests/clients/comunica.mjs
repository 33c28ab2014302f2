// Runs one query with Comunica (npm @comunica/query-sparql, pinned in package-lock.json) against
// a SPARQL endpoint, as a JavaScript client would, and prints what it got as JSON:
//   node comunica.mjs ENDPOINT bindings|boolean|quads QUERY
// tests/live/test_clients.py runs it against the server.
import { QueryEngine } from "@comunica/query-sparql";

const [endpoint, kind, query] = process.argv.slice(2);
const engine = new QueryEngine();
const context = { sources: [{ type: "sparql", value: endpoint }], httpTimeout: 30_000 };

let answer;
if (kind === "bindings") {
  const stream = await engine.queryBindings(query, context);
  const rows = await stream.toArray();
  answer = rows.map((row) =>
    Object.fromEntries([...row].map(([variable, term]) => [variable.value, term.value])),
  );
} else if (kind === "boolean") {
  answer = await engine.queryBoolean(query, context);
} else if (kind === "quads") {
  const stream = await engine.queryQuads(query, context);
  const quads = await stream.toArray();
  answer = quads.map((q) => [q.subject.value, q.predicate.value, q.object.value]);
} else {
  console.error(`unknown kind ${kind}: bindings, boolean or quads`);
  process.exit(2);
}
process.stdout.write(JSON.stringify(answer));
