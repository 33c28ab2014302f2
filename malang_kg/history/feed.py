"""The change feed's documents, made from the history's changes (``records.py``): an Activity
Streams 2.0 ``OrderedCollection`` and its pages, the same changes as a Linked Data Event Stream
(LDES, with TREE paging) as an RDF graph, and an Atom feed. Each change of an entity in a build
is one immutable member, ``{site}/changes/{build}/{entity, percent-encoded}``; the build's changes
together are ``{site}/changes?build={build}`` (the activity's ``context``). Newest first.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef

from malang_kg.history.records import Change

AS2_CONTEXT = "https://www.w3.org/ns/activitystreams"
AS = Namespace("https://www.w3.org/ns/activitystreams#")
LDES = Namespace("https://w3id.org/ldes#")
TREE = Namespace("https://w3id.org/tree#")
ATOM = "http://www.w3.org/2005/Atom"
ACTIVITY = {"create": "Create", "update": "Update", "delete": "Delete"}
PAGE_SIZE = 100


@dataclass(frozen=True)
class FeedPage:
    """One page of changes, newest first, and where it sits among the others."""

    site: str  # the service's root URL, without a trailing slash
    changes: Sequence[Change]
    total: int
    page: int
    build: str | None = None  # the page of one build's changes only

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    def url(self, path: str, page: int | None = None) -> str:
        query = {"build": self.build} if self.build else {}
        if page is not None:
            query["page"] = str(page)
        return self.site + path + ("?" + urlencode(query) if query else "")


def member_id(site: str, change: Change) -> str:
    return f"{site}/changes/{change.build.build_id}/{quote(change.entity, safe='')}"


def build_url(site: str, build_id: str) -> str:
    return f"{site}/changes?{urlencode({'build': build_id})}"


# --- Activity Streams 2.0 ------------------------------------------------------------------------


def activity(site: str, change: Change, page: Callable[[str], str | None]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": member_id(site, change),
        "type": ACTIVITY[change.kind],
        "object": change.entity,
        "published": change.build.created,
        "context": build_url(site, change.build.build_id),
    }
    if (url := page(change.entity)) is not None:
        item["url"] = url
    return item


def collection(feed: FeedPage) -> dict[str, Any]:
    """The collection itself: how many changes, and links to its first and last pages."""
    return {
        "@context": AS2_CONTEXT,
        "id": feed.url("/changes"),
        "type": "OrderedCollection",
        "totalItems": feed.total,
        "first": feed.url("/changes", 1),
        "last": feed.url("/changes", feed.pages),
    }


def collection_page(feed: FeedPage, page: Callable[[str], str | None]) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": AS2_CONTEXT,
        "id": feed.url("/changes", feed.page),
        "type": "OrderedCollectionPage",
        "partOf": feed.url("/changes"),
        "startIndex": (feed.page - 1) * PAGE_SIZE,
        "totalItems": feed.total,
        "orderedItems": [activity(feed.site, change, page) for change in feed.changes],
    }
    if feed.page > 1:
        document["prev"] = feed.url("/changes", feed.page - 1)
    if feed.page < feed.pages:
        document["next"] = feed.url("/changes", feed.page + 1)
    return document


# --- LDES ----------------------------------------------------------------------------------------


def event_stream(feed: FeedPage) -> Graph:
    """The changes as an LDES: the stream, this page of its view (a TREE node) and its members."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in (("as", AS), ("ldes", LDES), ("tree", TREE), ("xsd", XSD)):
        graph.bind(prefix, namespace)
    stream = URIRef(feed.site + "/changes/ldes")
    node = URIRef(feed.url("/changes/ldes", feed.page))
    graph.add((stream, RDF.type, LDES.EventStream))
    graph.add((stream, LDES.timestampPath, AS.published))
    graph.add((stream, LDES.versionOfPath, AS.object))
    graph.add((stream, TREE.view, URIRef(feed.url("/changes/ldes", 1))))
    graph.add((node, RDF.type, TREE.Node))
    if feed.page < feed.pages:
        relation = BNode()
        graph.add((node, TREE.relation, relation))
        graph.add((relation, RDF.type, TREE.Relation))
        graph.add((relation, TREE.node, URIRef(feed.url("/changes/ldes", feed.page + 1))))
    for change in feed.changes:
        member = URIRef(member_id(feed.site, change))
        graph.add((stream, TREE.member, member))
        graph.add((member, RDF.type, AS[ACTIVITY[change.kind]]))
        graph.add((member, AS.object, URIRef(change.entity)))
        graph.add((member, AS.published, Literal(change.build.created, datatype=XSD.dateTime)))
        graph.add((member, AS.context, URIRef(build_url(feed.site, change.build.build_id))))
    return graph


# --- Atom ----------------------------------------------------------------------------------------


def atom(
    feed: FeedPage,
    title: str,
    entry_title: Callable[[Change], str],
    page: Callable[[str], str | None],
    lang: str,
) -> bytes:
    """The page as an Atom feed (RFC 4287) for feed readers."""
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": lang})
    ET.SubElement(root, f"{{{ATOM}}}id").text = feed.site + "/changes"
    ET.SubElement(root, f"{{{ATOM}}}title").text = title
    newest = feed.changes[0].build.created if feed.changes else "1970-01-01T00:00:00+00:00"
    ET.SubElement(root, f"{{{ATOM}}}updated").text = newest
    ET.SubElement(root, f"{{{ATOM}}}link", {"rel": "self", "href": feed.url("/changes.atom")})
    ET.SubElement(root, f"{{{ATOM}}}link", {"rel": "alternate", "href": feed.url("/changes")})
    author = ET.SubElement(root, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "malang-kg"
    for change in feed.changes:
        entry = ET.SubElement(root, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = member_id(feed.site, change)
        ET.SubElement(entry, f"{{{ATOM}}}title").text = entry_title(change)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = change.build.created
        href = page(change.entity) or change.entity
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": href})
        ET.SubElement(entry, f"{{{ATOM}}}category", {"term": change.kind})
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body
