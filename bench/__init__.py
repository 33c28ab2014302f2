"""``make bench``: our server against ``oxigraph serve`` and rdflib-endpoint on the same data and
queries (see bench/README.md). A benchmark, not a test: ``make test`` never runs it."""
