"""Writing an rdflib graph (the dataset's descriptions: VoID, the service description) in an RDF
media type. A TriG or N-Quads answer holds every triple in the default graph."""

from __future__ import annotations

from rdflib import Graph

from malang_kg.formats import media as fmt

# rdflib's serializer name per media type.
_RDFLIB_FORMATS = {
    fmt.TURTLE.mime: "turtle",
    fmt.N_TRIPLES.mime: "nt",
    fmt.JSON_LD.mime: "json-ld",
    fmt.RDF_XML.mime: "xml",
    fmt.TRIG.mime: "turtle",
    fmt.N_QUADS.mime: "nt",
}


def serialize_rdflib(graph: Graph, media: fmt.MediaType) -> bytes:
    name = _RDFLIB_FORMATS.get(media.mime)
    if name is None:
        raise ValueError(f"a description cannot be written as {media.mime}")
    return graph.serialize(format=name, encoding="utf-8")
