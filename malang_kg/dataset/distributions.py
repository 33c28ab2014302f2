"""The dataset's distributions in DCAT: each dump (gzip, with its size and checksum), the SPARQL
endpoint (a data service and a distribution) and the change feeds (``history/feed.py``). Used
by ``void.py``, which writes the rest of the description."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, URIRef

from malang_kg.iris import DCAT, DCTERMS, RDF, SD, SPDX, VOID, XSD

if TYPE_CHECKING:
    from malang_kg.dataset.void import ServiceUrls

LICENSE = "https://creativecommons.org/licenses/by/4.0/"
IANA_MEDIA = "https://www.iana.org/assignments/media-types/"
GZIP = "application/gzip"


def media_iri(mime: str) -> URIRef:
    return URIRef(IANA_MEDIA + mime)


def bilingual(graph: Graph, subject: URIRef | BNode, predicate: URIRef, texts: Any) -> None:
    for lang in ("id", "en"):
        if texts.get(lang):
            graph.add((subject, predicate, Literal(texts[lang], lang=lang)))


def dump_distribution(
    graph: Graph, dataset: URIRef, site: ServiceUrls, dump: Mapping[str, Any]
) -> None:
    """One dump of the manifest, as a gzip-compressed distribution with its checksum."""
    url = URIRef(f"{site.root}downloads/{dump['file']}")
    distribution = BNode()
    graph.add((dataset, DCAT.distribution, distribution))
    graph.add((dataset, VOID.dataDump, url))
    graph.add((distribution, RDF.type, DCAT.Distribution))
    graph.add((distribution, DCAT.downloadURL, url))
    graph.add((distribution, DCAT.accessURL, URIRef(f"{site.root}downloads/")))
    graph.add((distribution, DCAT.mediaType, media_iri(str(dump["media_type"]))))
    graph.add((distribution, DCAT.compressFormat, media_iri(GZIP)))
    graph.add((distribution, DCAT.byteSize, Literal(int(dump["bytes"]), datatype=XSD.integer)))
    graph.add((distribution, DCTERMS.license, URIRef(LICENSE)))
    bilingual(graph, distribution, DCTERMS.title, dump.get("title", {}))
    checksum = BNode()
    graph.add((distribution, SPDX.checksum, checksum))
    graph.add((checksum, RDF.type, SPDX.Checksum))
    graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    graph.add((checksum, SPDX.checksumValue, Literal(str(dump["sha256"]), datatype=XSD.hexBinary)))
    if "triples" in dump:
        graph.add((distribution, VOID.triples, Literal(int(dump["triples"]))))


CHANGE_FEEDS = (  # path, media type, what it conforms to, title (``history/feed.py``)
    ("changes", "application/activity+json", "https://www.w3.org/TR/activitystreams-core/",
     {"en": "Changes, as Activity Streams 2.0", "id": "Perubahan, sebagai Activity Streams 2.0"}),
    ("changes/ldes", "text/turtle", "https://w3id.org/ldes/specification",
     {"en": "Changes, as a Linked Data Event Stream", "id": "Perubahan, sebagai LDES"}),
    ("changes.atom", "application/atom+xml", "https://www.rfc-editor.org/rfc/rfc4287",
     {"en": "Changes, as an Atom feed", "id": "Perubahan, sebagai umpan Atom"}),
)  # fmt: skip


def change_feeds(graph: Graph, dataset: URIRef, site: ServiceUrls) -> None:
    """What changed with each build, as distributions of the dataset."""
    for path, mime, standard, title in CHANGE_FEEDS:
        feed = BNode()
        graph.add((dataset, DCAT.distribution, feed))
        graph.add((feed, RDF.type, DCAT.Distribution))
        graph.add((feed, DCAT.accessURL, URIRef(site.root + path)))
        graph.add((feed, DCAT.mediaType, media_iri(mime)))
        graph.add((feed, DCTERMS.conformsTo, URIRef(standard)))
        graph.add((feed, DCTERMS.license, URIRef(LICENSE)))
        bilingual(graph, feed, DCTERMS.title, title)


def endpoint_service(graph: Graph, dataset: URIRef, site: ServiceUrls) -> None:
    """The SPARQL endpoint, as a data service and as a distribution of the dataset."""
    service = URIRef(site.endpoint)
    graph.add((service, RDF.type, DCAT.DataService))
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, DCAT.endpointURL, service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, DCAT.servesDataset, dataset))
    graph.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    bilingual(graph, service, DCTERMS.title, {"en": "SPARQL endpoint", "id": "Titik akhir SPARQL"})
    endpoint = BNode()
    graph.add((dataset, DCAT.distribution, endpoint))
    graph.add((endpoint, RDF.type, DCAT.Distribution))
    graph.add((endpoint, DCAT.accessURL, service))
    graph.add((endpoint, DCAT.accessService, service))
    graph.add((endpoint, DCTERMS.license, URIRef(LICENSE)))
    bilingual(
        graph,
        endpoint,
        DCTERMS.title,
        {"en": "The SPARQL endpoint", "id": "Titik akhir SPARQL"},
    )
