"""The SPARQL of the entity pages: constant texts, each binding the entity as ``?s`` (and the
languages as ``?lang``/``?other``) through the engine's ``bindings``; nothing a request says is
ever pasted in. Oxigraph binds only projected variables, so every bound one is projected.

Labels come with the rows that need them: ``labelled("x")`` is a block of OPTIONALs binding
``?xLabel`` to the ``skos:prefLabel`` or ``rdfs:label`` in the chosen language, else in the other,
else ``schema:name``. It must only meet a variable that is always bound: with an unbound one its
OPTIONALs would bind it to every labelled node of the graph.
"""

from __future__ import annotations

LANGS = 'BIND (COALESCE(?lang, "id") AS ?l1) BIND (COALESCE(?other, "en") AS ?l2)'


def labelled(var: str) -> str:
    """OPTIONALs binding ``?{var}Label``: preferred label or rdfs:label in ``?l1``, else in
    ``?l2``, else schema:name (``var`` is a constant of this module, never request data)."""
    v = f"?{var}"
    return (
        f"OPTIONAL {{ {v} skos:prefLabel {v}_1 FILTER (LANGMATCHES(LANG({v}_1), ?l1)) }}\n"
        f"OPTIONAL {{ {v} rdfs:label {v}_2 FILTER (LANGMATCHES(LANG({v}_2), ?l1)) }}\n"
        f"OPTIONAL {{ {v} skos:prefLabel {v}_3 FILTER (LANGMATCHES(LANG({v}_3), ?l2)) }}\n"
        f"OPTIONAL {{ {v} rdfs:label {v}_4 FILTER (LANGMATCHES(LANG({v}_4), ?l2)) }}\n"
        f"OPTIONAL {{ {v} schema:name {v}_5 }}\n"
        f"BIND (COALESCE({v}_1, {v}_2, {v}_3, {v}_4, {v}_5) AS {v}Label)\n"
    )


EXISTS = "SELECT ?s WHERE { { ?s ?p ?o } UNION { ?x ?q ?s } } LIMIT 1"

OUTGOING = f"""SELECT ?s ?lang ?other ?p ?o ?g ?pLabel ?oLabel WHERE {{
  {LANGS}
  GRAPH ?g {{ ?s ?p ?o }}
  {labelled("p")}{labelled("o")}}}"""

NESTED = f"""SELECT ?s ?lang ?other ?b ?p ?o ?pLabel ?oLabel WHERE {{
  {LANGS}
  ?s ?q ?b . FILTER (isBlank(?b))
  ?b ?p ?o .
  {labelled("p")}{labelled("o")}}}"""

AXIOMS = f"""SELECT ?s ?lang ?other ?ax ?p ?o ?k ?v ?vLabel WHERE {{
  {LANGS}
  ?ax a owl:Axiom ; owl:annotatedSource ?s ; owl:annotatedProperty ?p ;
      owl:annotatedTarget ?o ; ?k ?v .
  FILTER (?k IN (mk:confidence, prov:wasDerivedFrom, rdfs:comment))
  {labelled("v")}}}"""

EVIDENCE = """SELECT ?s ?sentence ?exact ?source WHERE {
  ?s mk:evidence ?sentence .
  ?sentence oa:hasSelector/oa:exact ?exact .
  OPTIONAL { ?sentence oa:hasSource ?source }
}"""

INCOMING = f"""SELECT ?s ?lang ?other ?x ?p ?g ?xLabel ?pLabel WHERE {{
  {LANGS}
  GRAPH ?g {{ ?x ?p ?s }} FILTER (!isBlank(?x))
  {labelled("x")}{labelled("p")}}}"""

# The RDF of an entity (``/data/…``): its statements, asserted or inferred, the blank nodes they
# lead to, the owl:Axiom annotations about them, and the labels of what it links to.
DATA_QUERIES = (
    ("s", "p", "o", "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }"),
    (
        "b",
        "p",
        "o",
        "SELECT DISTINCT ?s ?b ?p ?o WHERE { ?s ?q ?b . FILTER (isBlank(?b)) ?b ?p ?o }",
    ),
    ("ax", "k", "v", "SELECT DISTINCT ?s ?ax ?k ?v WHERE { ?ax owl:annotatedSource ?s ; ?k ?v }"),
    (
        "x",
        "lp",
        "label",
        """SELECT DISTINCT ?s ?x ?lp ?label WHERE {
  ?s ?p ?x . FILTER (isIRI(?x))
  VALUES ?lp { skos:prefLabel rdfs:label }
  ?x ?lp ?label
}""",
    ),
)
