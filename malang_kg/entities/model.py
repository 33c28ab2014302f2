"""What an entity page says, as plain data: values (labelled, linked, inferred or not, with
their notes and quotes), properties grouped, incoming links paged, and the entity itself. The
reader (``reader.py``) makes them; templates only print them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from malang_kg.engine import Term
from malang_kg.entities.inference import Reason

LONG_TEXT = 600  # characters past which a literal is shown folded


@dataclass(frozen=True)
class Quote:
    """A sentence of a source quoted verbatim, and where to read it in context."""

    text: str
    sentence: str  # the sentence's IRI
    href: str | None = None  # the article's page, anchored at the sentence
    lang: str = ""  # the language of the text it is quoted from, where known
    source: Value | None = None  # the document, by its title
    date: str = ""  # the document's date of publication
    publisher: Value | None = None


@dataclass(frozen=True)
class Annotation:
    """What an ``owl:Axiom`` says about one statement: how sure, from where, why."""

    confidence: tuple[Value, ...] = ()
    sources: tuple[Value, ...] = ()
    comments: tuple[Value, ...] = ()


@dataclass(frozen=True)
class Value:
    """One value as shown: ``text`` (label, literal or IRI), a link when there may be one."""

    term: Term
    text: str
    lang: str | None = None  # the language of ``text`` where known
    href: str | None = None
    external: bool = False
    note: str = ""  # a literal's language tag or datatype
    inferred: bool = False
    notes: tuple[Annotation, ...] = ()
    quote: Quote | None = None
    nested: tuple[PropertyGroup, ...] = ()  # the properties of a blank node
    reason: Reason | None = None  # why an inferred value holds (``inference.py``)

    @property
    def iri(self) -> str | None:
        return self.term.value if self.term.kind == "uri" else None

    @property
    def long(self) -> bool:
        return self.term.kind == "literal" and len(self.text) > LONG_TEXT


@dataclass(frozen=True)
class Whole:
    """What a page needs of all the values of a property when it made only the first few (a
    hub's thousands): how many there are, their terms, whether all are inferred."""

    count: int
    terms: frozenset[Term]
    inferred: bool


@dataclass(frozen=True)
class PropertyGroup:
    predicate: Value
    values: tuple[Value, ...]  # in order: all of them, or the first ones when ``whole`` is set
    # Properties whose values here are the same and all inferred (a super-property of a reused
    # vocabulary, say): shown once, under this property, as "also".
    also: tuple[Value, ...] = ()
    whole: Whole | None = None

    @property
    def count(self) -> int:
        return self.whole.count if self.whole else len(self.values)

    @property
    def terms(self) -> frozenset[Term]:
        return self.whole.terms if self.whole else frozenset(v.term for v in self.values)

    @property
    def inferred(self) -> bool:
        if self.whole:
            return self.whole.inferred
        return all(value.inferred for value in self.values)


@dataclass(frozen=True)
class Incoming:
    groups: tuple[PropertyGroup, ...]
    total: int
    page: int
    pages: int
    shown: int | None = None  # how many of the ``total`` the pages list, when not all


@dataclass
class Entity:
    iri: str
    path: str
    label: Value
    types: tuple[Value, ...]  # asserted types
    description: Value | None
    groups: tuple[PropertyGroup, ...]
    evidence: tuple[Quote, ...]
    incoming: Incoming
    jsonld: dict[str, Any]
    views: dict[str, Any] = field(default_factory=dict)  # filled by ``add_views``

    def group(self, iri: str) -> PropertyGroup | None:
        """The group of one outgoing property, if the entity has it."""
        return next((group for group in self.groups if group.predicate.iri == iri), None)

    def values(self, iri: str) -> tuple[Value, ...]:
        """The values of one outgoing property (its first ones only, if it has more than a page
        shows)."""
        group = self.group(iri)
        return group.values if group else ()

    def terms(self, iri: str) -> frozenset[Term]:
        """Every value of one outgoing property, as terms (all of them, however many)."""
        group = self.group(iri)
        return group.terms if group else frozenset()
