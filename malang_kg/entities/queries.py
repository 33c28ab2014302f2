"""The SPARQL of the entity pages: constant texts, each binding the entity as ``?s`` through the
engine's bindings; nothing a request says is ever pasted in. Oxigraph binds only projected
variables, so every bound one is projected.

A query declares which of its variables get labels (``labelled(columns, pattern, *labels)``);
the reader adds ``?<var>Label`` to each row from the build's label index
(``dataset/labels.py``), so the store answers with IRIs alone.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EntityQuery:
    """One query of the pages; ``labels``: the variables whose IRIs get a ``…Label`` column;
    ``limit``: the rows a page shows at most (the answer says when there were more)."""

    text: str
    labels: tuple[str, ...] = ()
    limit: int | None = None


def labelled(columns: str, pattern: str, *labels: str, limit: int | None = None) -> EntityQuery:
    """``SELECT ?s <columns> WHERE { <pattern> }``, with labels for the variables ``labels``
    (constants of this module, never request data)."""
    return EntityQuery(f"SELECT ?s {columns} WHERE {{\n  {pattern}\n}}", labels, limit)


SHOWN = 50  # the most rows a page's list shows where a hub may have thousands


EXISTS = EntityQuery("SELECT ?s WHERE { { ?s ?p ?o } UNION { ?x ?q ?s } } LIMIT 1")

OUTGOING = labelled("?p ?o ?g", "GRAPH ?g { ?s ?p ?o }", "p", "o")

NESTED = labelled("?b ?p ?o", "?s ?q ?b . FILTER (isBlank(?b))\n  ?b ?p ?o .", "p", "o")

AXIOMS = labelled(
    "?ax ?p ?o ?k ?v",
    """?ax a owl:Axiom ; owl:annotatedSource ?s ; owl:annotatedProperty ?p ;
      owl:annotatedTarget ?o ; ?k ?v .
  FILTER (?k IN (mk:confidence, prov:wasDerivedFrom, rdfs:comment))""",
    "v",
)

# Each sentence stating a fact of the entity, with its source: the source's title (a label), its
# date, its publisher and the language of the text the sentence is quoted from (its body's).
EVIDENCE = labelled(
    "?sentence ?exact ?source ?date ?publisher ?language",
    """?s mk:evidence ?sentence .
  ?sentence oa:hasSelector/oa:exact ?exact .
  OPTIONAL {
    ?sentence oa:hasSource ?source .
    OPTIONAL { ?source schema:datePublished ?date }
    OPTIONAL { ?source schema:publisher ?publisher }
    OPTIONAL { ?source schema:articleBody ?body }
    BIND (LANG(?body) AS ?language)
  }""",
    "source",
    "publisher",
)

# A page reads at most INCOMING_ROWS of a hub's incoming statements (20 pages of 50 links): each
# row costs a label lookup and a sort key, and a kelurahan has a few hundred. Past that the page
# says the list was cut and counts them all (INCOMING_COUNT: each statement once, whatever graphs
# state it). The reader drops the rows of blank nodes (annotations, shown with their statement):
# a FILTER would make Oxigraph read every ?x twice, from disk a fifth to near half the query.
INCOMING_ROWS = 1_000
INCOMING = labelled("?x ?p ?g", "GRAPH ?g { ?x ?p ?s }", "x", "p", limit=INCOMING_ROWS)
INCOMING_COUNT = EntityQuery(
    "SELECT ?s (COUNT(*) AS ?n) WHERE {\n"
    "  { SELECT DISTINCT ?s ?x ?p WHERE { ?x ?p ?s FILTER (!isBlank(?x)) } }\n"
    "} GROUP BY ?s"
)

# The RDF of an entity (``/data/…``): its statements, asserted or inferred, the blank nodes they
# lead to, the owl:Axiom annotations about them, and the labels of what it links to; each with
# the variables that make a triple of the answer (``s`` is the entity).
DATA_QUERIES: tuple[tuple[str, str, str, EntityQuery], ...] = (
    ("s", "p", "o", EntityQuery("SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }")),
    (
        "b",
        "p",
        "o",
        EntityQuery(
            "SELECT DISTINCT ?s ?b ?p ?o WHERE { ?s ?q ?b . FILTER (isBlank(?b)) ?b ?p ?o }"
        ),
    ),
    (
        "ax",
        "k",
        "v",
        EntityQuery("SELECT DISTINCT ?s ?ax ?k ?v WHERE { ?ax owl:annotatedSource ?s ; ?k ?v }"),
    ),
    (
        "x",
        "lp",
        "label",
        EntityQuery("""SELECT DISTINCT ?s ?x ?lp ?label WHERE {
  ?s ?p ?x . FILTER (isIRI(?x))
  VALUES ?lp { skos:prefLabel rdfs:label }
  ?x ?lp ?label
}"""),
    ),
)

# --- What the pages of some kinds of entity show besides their statements (``views.py``) ------

AREA_CHAIN = labelled(
    "?a ?parent", "?s schema:containedInPlace* ?a . ?a schema:containedInPlace ?parent .", "parent"
)

AREA_INSIDE = labelled(
    "?x ?isArea",
    "?x schema:containedInPlace ?s .\n  BIND (EXISTS { ?x a mk:AdministrativeArea } AS ?isArea)",
    "x",
)

# Awards won by the organisations based in an area: (award, organisation).
AREA_AWARDS = labelled("?x ?y", "?y mk:basedIn ?s . ?x mk:recipient ?y .", "x", "y", limit=SHOWN)

# The other areas of the same kind (kelurahan, kecamatan) in the area that contains it.
AREA_SIBLINGS = labelled(
    "?x",
    """VALUES ?kind { mk:Kelurahan mk:Kecamatan }
  ?s a ?kind ; schema:containedInPlace ?parent .
  ?x a ?kind ; schema:containedInPlace ?parent .
  FILTER (?x != ?s)""",
    "x",
)

AREA_ORGANISATIONS = labelled(
    "?x ?p",
    "VALUES ?p { mk:basedIn mk:operatesWithin mk:jurisdiction }\n  ?x ?p ?s .",
    "x",
)

ORGANISATION = labelled(
    "?rel ?x",
    """{ ?x org:subOrganizationOf ?s BIND ("sub" AS ?rel) }
  UNION { ?s org:subOrganizationOf ?x BIND ("parent" AS ?rel) }
  UNION { ?x mk:headPostIn ?s BIND ("head" AS ?rel) }
  UNION { ?x org:postIn ?s BIND ("post" AS ?rel) }
  UNION { ?x org:memberOf ?s BIND ("member" AS ?rel) }
  UNION { ?s mk:partnerOf ?x BIND ("partner" AS ?rel) }""",
    "x",
)

# Pairs (x, y) where both are always bound (see the module's description).
ORGANISATION_PAIRS = labelled(
    "?rel ?x ?y",
    """{ ?x org:postIn ?s . ?x org:heldBy ?y BIND ("holder" AS ?rel) }
  UNION { ?x mk:recipient ?s . ?x mk:atEvent ?y BIND ("received" AS ?rel) }
  UNION { ?x mk:conferredBy ?s . ?x mk:recipient ?y BIND ("conferred" AS ?rel) }""",
    "x",
    "y",
)

PERSON = labelled(
    "?rel ?x ?y",
    """{ ?x org:heldBy ?s . ?x mk:headPostIn ?y BIND ("head" AS ?rel) }
  UNION { ?x org:heldBy ?s . ?x org:postIn ?y BIND ("post" AS ?rel) }
  UNION { ?x mk:recipient ?s . ?x mk:atEvent ?y BIND ("received" AS ?rel) }""",
    "x",
    "y",
)

ARTICLE = labelled(
    "?sentence ?exact ?fact",
    "?sentence oa:hasSource ?s ; oa:hasSelector/oa:exact ?exact .\n  ?fact mk:evidence ?sentence .",
    "fact",
)
