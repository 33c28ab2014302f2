// Completion for the editor: SPARQL keywords here, and prefixes, classes, properties and
// entities (by label, both languages, spelling variants) from our own /api/complete.
// Choosing a prefixed name also declares its prefix when the query does not yet.
const KEYWORDS = [
  "SELECT", "DISTINCT", "WHERE", "PREFIX", "BASE", "OPTIONAL", "FILTER", "UNION", "MINUS",
  "GRAPH", "BIND", "VALUES", "GROUP BY", "ORDER BY", "HAVING", "LIMIT", "OFFSET", "ASK",
  "CONSTRUCT", "DESCRIBE", "COUNT", "SAMPLE", "GROUP_CONCAT", "LANG", "LANGMATCHES", "STR",
  "CONTAINS", "STRSTARTS", "REGEX", "COALESCE", "NOT EXISTS", "EXISTS", "ASC", "DESC", "AS",
];
// A prefixed name being typed, or a word (letters of any script, digits, "-", "_", ".").
const TYPED = /(?:[A-Za-z][\w.-]*:)?[\p{L}\p{N}_][\p{L}\p{N}_.-]*$|[A-Za-z][\w.-]*:$/u;
const TYPES = { class: "class", property: "property", entity: "variable", prefix: "namespace" };

function declared(doc, name) {
  return new RegExp(`(^|\\s)PREFIX\\s+${name}:\\s*<`, "i").test(doc);
}

function declarationPoint(doc) {
  // After the query's last PREFIX or BASE line, else at the very start.
  const pattern = /^\s*(PREFIX|BASE)\b[^\n]*\n/gim;
  let end = 0;
  for (let found = pattern.exec(doc); found; found = pattern.exec(doc)) {
    if (found.index !== end && doc.slice(end, found.index).trim()) break;
    end = found.index + found[0].length;
  }
  return end;
}

function apply(insert, prefix) {
  return (view, _completion, from, to) => {
    const doc = view.state.doc.toString();
    const changes = [{ from, to, insert }];
    let shift = 0; // how far the declaration moves the cursor
    if (prefix && prefix.iri && !declared(doc, prefix.name)) {
      const line = `PREFIX ${prefix.name}: <${prefix.iri}>\n`;
      changes.unshift({ from: Math.min(declarationPoint(doc), from), insert: line });
      shift = line.length;
    }
    view.dispatch({ changes, selection: { anchor: from + shift + insert.length } });
  };
}

function option(result, ui) {
  const kindName = ui.t(result.kind);
  if (result.kind === "prefix") {
    const name = result.matched;
    return {
      label: `${name}:`,
      detail: result.iri,
      type: TYPES.prefix,
      apply: apply(`${name}:`, { name, iri: result.iri }),
      boost: 2,
    };
  }
  const prefixed = result.prefixed;
  const insert = prefixed || `<${result.iri}>`;
  const prefix = prefixed ? { name: prefixed.split(":")[0], iri: result.namespace } : null;
  return {
    label: insert,
    detail: result.label,
    info: `${kindName} · ${result.iri}`,
    type: TYPES[result.kind] || "text",
    apply: apply(insert, prefix),
  };
}

function insideTermOrComment(line, column) {
  const before = line.slice(0, column);
  if (/#[^>"']*$/.test(before) && !/<[^>]*$/.test(before)) return true; // a comment
  if (/<[^>\s]*$/.test(before)) return true; // inside an IRI
  const quotes = (before.match(/"/g) || []).length;
  return quotes % 2 === 1; // inside a string
}

export function completionSource(ui) {
  const lang = ui.lang;
  return async (context) => {
    const word = context.matchBefore(TYPED);
    const line = context.state.doc.lineAt(context.pos);
    if (!word || insideTermOrComment(line.text, context.pos - line.from)) return null;
    const before = context.state.sliceDoc(word.from - 1, word.from);
    if (before === "?" || before === "$" || before === "@" || before === "^") return null;
    if (!context.explicit && word.text.length < 2) return null;
    const upper = word.text.toUpperCase();
    const keywords = /^[A-Za-z_]+$/.test(word.text)
      ? KEYWORDS.filter((k) => k.startsWith(upper) && k !== upper).map((k) => ({
          label: k,
          detail: ui.t("keyword"),
          type: "keyword",
        }))
      : [];
    const params = new URLSearchParams({ q: word.text, lang, limit: "15" });
    let found = [];
    try {
      const response = await fetch(`/api/complete?${params}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok) found = (await response.json()).results || [];
    } catch {
      found = []; // offline or refused: keywords only
    }
    if (context.aborted) return null;
    const options = [...found.map((result) => option(result, ui)), ...keywords];
    if (!options.length) return null;
    return { from: word.from, options, filter: false };
  };
}
