"""``malang-kg build`` and ``validate``: counts, atomic switch, failures naming file and node."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from malang_kg.cli import main
from malang_kg.config import Settings
from malang_kg.dataset.named_queries import load_queries, run
from malang_kg.engine.service import QueryService
from malang_kg.pipeline.run import run_build
from malang_kg.pipeline.sources import BuildError
from malang_kg.store.builds import (
    DATASET_FILE,
    Manifest,
    NoBuildError,
    builds_dir,
    current_build_dir,
    read_manifest,
)
from malang_kg.web import embedded_service
from tests.conftest import BASE, ID, MK, ROOT, settings_for

# Each test makes builds of its own: in the slow tier.
pytestmark = pytest.mark.slow

BROKEN_AWARD = f"""\
@prefix mk: <{MK}> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<{ID}award/broken-example> a mk:Award ;
    skos:prefLabel "Penghargaan rusak"@id ;
    mk:atEvent <{ID}event/amh-2023> ;
    mk:conferredBy <{ID}organization/kementerian-komunikasi-dan-informatika> ;
    mk:category <{ID}award-category/website> ;
    mk:rank 4 ;
    mk:placing <{ID}award-rank/1> ;
    mk:year "2023"^^xsd:gYear ;
    mk:recipient <{ID}organization/kim-samaan> ;
    prov:wasDerivedFrom <{ID}source/background-notes> .
"""


def _write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_manifest_counts_every_graph(
    built: tuple[Settings, Manifest], engine: QueryService
) -> None:
    _, manifest = built
    counts = {graph.iri: graph.triples for graph in manifest.graphs}
    assert set(counts) == {
        BASE + "graph/ontology",
        BASE + "graph/ontology/reused-terms",
        BASE + "graph/data/areas",
        BASE + "graph/data/concepts",
        BASE + "graph/data/press-release-2023-11-06",
        BASE + "graph/inferred",
    }
    assert all(count > 100 for count in counts.values())
    assert manifest.triples == engine.triples == sum(counts.values())
    assert set(manifest.sources) >= {
        "ontology/malang-kg.ttl",
        "ontology/shapes.ttl",
        "data/areas.ttl",
    }


def test_cli_build_prints_counts_and_inferences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "--store", str(tmp_path / "store")]) == 0
    out = capsys.readouterr().out
    manifest = read_manifest(current_build_dir(tmp_path / "store"))
    for graph in manifest.graphs:
        assert f"{graph.triples:8d}  {graph.iri}" in out
    assert "inferred" in out and "mk:within" in out
    assert "pruned" in out and "reflexive" in out


def test_second_build_replaces_the_first(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "store", KEEP_BUILDS="2")
    first = run_build(settings, log=lambda line: None)
    assert current_build_dir(settings.store).name == first.build_id
    second = run_build(settings, log=lambda line: None)
    assert second.build_id != first.build_id
    assert current_build_dir(settings.store).name == second.build_id
    assert embedded_service(settings).build_id == second.build_id
    third = run_build(settings, log=lambda line: None)
    kept = sorted(d.name for d in builds_dir(settings.store).iterdir())
    assert kept == sorted([second.build_id, third.build_id]), "KEEP_BUILDS=2 keeps the newest two"
    assert (settings.store / "current").is_symlink()


def test_broken_data_file_fails_the_build_naming_file_and_node(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = tmp_path / "extra"
    _write(extra, "broken.ttl", BROKEN_AWARD)
    store = tmp_path / "store"
    assert main(["build", "--store", str(store), "--data-dir", str(extra)]) == 1
    err = capsys.readouterr().err
    assert str(extra / "broken.ttl") in err
    assert "award/broken-example" in err
    assert "rank must be one integer from 1 to 3" in err
    assert "needs a skos:prefLabel in English (@en)" in err
    assert "cites none" not in err or "broken-example" in err
    with pytest.raises(NoBuildError):
        current_build_dir(store)
    leftovers = list(builds_dir(store).iterdir()) if builds_dir(store).exists() else []
    assert leftovers == [], "no half-written build is left behind"


def test_failed_build_keeps_serving_the_last_good_one(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "store")
    good = run_build(settings, log=lambda line: None)
    extra = tmp_path / "extra"
    _write(extra, "broken.ttl", BROKEN_AWARD)
    assert main(["build", "--store", str(settings.store), "--data-dir", str(extra)]) == 1
    assert current_build_dir(settings.store).name == good.build_id


def test_turtle_syntax_error_names_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = tmp_path / "extra"
    _write(
        extra,
        "typo.ttl",
        "@prefix ex: <https://example.org/> .\n\nex:a ex:b ex:c\nex:d ex:e ex:f .\n",
    )
    assert main(["build", "--store", str(tmp_path / "store"), "--data-dir", str(extra)]) == 1
    err = capsys.readouterr().err
    assert f"{extra / 'typo.ttl'}: cannot parse Turtle" in err
    assert "line 3" in err or "line 4" in err


def test_validate_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    assert "conforms" in capsys.readouterr().out
    extra = tmp_path / "extra"
    _write(extra, "broken.ttl", BROKEN_AWARD)
    assert main(["validate", "--data-dir", str(extra)]) == 1
    report = capsys.readouterr().out
    assert "does not conform" in report
    assert f"{extra / 'broken.ttl'}: Violation on <{ID}award/broken-example>" in report
    assert "because:    needs a skos:prefLabel in English (@en)" in report


def test_another_base_iri_rewrites_data_and_queries(tmp_path: Path) -> None:
    base = "https://data.example.org/kg/"
    settings = settings_for(tmp_path / "store", BASE_IRI=base)
    run_build(settings, log=lambda line: None)
    dataset = (current_build_dir(settings.store) / DATASET_FILE).read_text(encoding="utf-8")
    assert BASE not in dataset
    assert f"<{base}id/kelurahan/samaan>" in dataset
    assert f"^^<{base}ontology#KemendagriCode>" in dataset
    engine = embedded_service(settings)
    queries = load_queries(ROOT, base)
    assert len(run(engine, queries["awards"]).rows) == 7
    assert len(run(engine, queries["subdistricts"]).rows) == 57


def test_dumps_parse_and_hold_what_the_store_holds(
    built: tuple[Settings, Manifest], engine: QueryService
) -> None:
    import gzip

    import pyoxigraph as ox

    settings, manifest = built
    directory = current_build_dir(settings.store) / "downloads"
    by_file = {dump["file"]: dump for dump in manifest.dumps}
    assert set(by_file) == {
        "malang-kg.nq.gz",
        "malang-kg-asserted.ttl.gz",
        "malang-kg-inferred.ttl.gz",
        "malang-kg.jsonld.gz",
    }
    for name, dump in by_file.items():
        packed = (directory / name).read_bytes()
        assert len(packed) == dump["bytes"]
        fmt = {
            "application/n-quads": ox.RdfFormat.N_QUADS,
            "text/turtle": ox.RdfFormat.TURTLE,
            "application/ld+json": ox.RdfFormat.JSON_LD,
        }[dump["media_type"]]
        parsed = list(ox.parse(gzip.decompress(packed), format=fmt))
        assert len(parsed) == dump["triples"], name
    assert by_file["malang-kg.nq.gz"]["triples"] == engine.triples
    assert by_file["malang-kg.jsonld.gz"]["triples"] == engine.triples
    distinct = engine.select(
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"
    )
    assert by_file["malang-kg-inferred.ttl.gz"]["triples"] == int(distinct.rows[0]["n"].value)
    asserted = by_file["malang-kg-asserted.ttl.gz"]["triples"]
    inferred = next(g.triples for g in manifest.graphs if g.iri.endswith("graph/inferred"))
    assert asserted + inferred == by_file["malang-kg-inferred.ttl.gz"]["triples"]


def test_reference_engine_builds_the_same_graphs(
    built: tuple[Settings, Manifest], tmp_path: Path
) -> None:
    """owlrl and pyshacl stay available (MALANG_KG_BUILD_ENGINE=reference) and agree."""
    import pyoxigraph as ox

    settings = settings_for(tmp_path / "store", BUILD_ENGINE="reference")
    reference = run_build(settings, log=lambda line: None)
    fast = built[1]
    assert [(g.iri, g.triples) for g in reference.graphs] == [
        (g.iri, g.triples) for g in fast.graphs
    ]
    assert reference.graphs[-1].source == "owlrl (OWL RL)"

    def inferred(store: Path) -> set[str]:
        dataset = ox.Store()
        dataset.load(path=current_build_dir(store) / DATASET_FILE, format=ox.RdfFormat.N_QUADS)
        quads = dataset.quads_for_pattern(None, None, None, ox.NamedNode(BASE + "graph/inferred"))
        return {str(q.triple) for q in quads if "_:" not in str(q.triple)}

    assert inferred(settings.store) == inferred(built[0].store)
    assert set(fast.timings) >= {"parse", "validate", "reason", "write", "total"}


def test_reference_engine_reports_the_same_broken_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = tmp_path / "extra"
    _write(extra, "broken.ttl", BROKEN_AWARD)
    for engine in ("oxigraph", "reference"):
        assert main(["validate", "--data-dir", str(extra), "--build-engine", engine]) == 1
        report = capsys.readouterr().out
        assert f"{extra / 'broken.ttl'}: Violation on <{ID}award/broken-example>" in report
        assert "rank must be one integer from 1 to 3" in report


def test_unknown_build_engine_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--build-engine", "fastest"]) == 2
    assert "MALANG_KG_BUILD_ENGINE" in capsys.readouterr().err


def test_merged_dumps_hold_a_triple_two_files_share_once(tmp_path: Path) -> None:
    import gzip

    import pyoxigraph as ox

    triple = f'<{ID}kelurahan/samaan> <http://www.w3.org/2000/01/rdf-schema#comment> "x" .\n'
    extra = tmp_path / "extra"
    _write(extra, "a.ttl", triple)
    _write(extra, "b.ttl", triple)
    settings = settings_for(tmp_path / "store", DATA_DIR=str(extra))
    manifest = run_build(settings, log=lambda line: None)
    downloads = current_build_dir(settings.store) / "downloads"
    for dump in manifest.dumps:
        if dump["media_type"] == "text/turtle":
            body = gzip.decompress((downloads / dump["file"]).read_bytes())
            parsed = list(ox.parse(body, format=ox.RdfFormat.TURTLE))
            assert len(parsed) == len(set(parsed)) == dump["triples"], dump["file"]


INFERRED_ONLY = """
mks:NoSchemaRecipient a sh:NodeShape ;
    sh:targetClass mk:Award ;
    sh:property [
        sh:path schema:recipient ;
        sh:maxCount 0 ;
        sh:message "has a schema:recipient (only the inferences give one)" ;
    ] .
"""


def test_the_graph_as_served_is_validated_with_its_inferences(tmp_path: Path) -> None:
    # A shape the asserted data meets and its inferences break: mk:recipient is a sub-property
    # of schema:recipient, which no data file states.
    home = tmp_path / "home"
    for part in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / part, home / part)
    with (home / "ontology" / "shapes.ttl").open("a", encoding="utf-8") as shapes:
        shapes.write(INFERRED_ONLY)
    store = tmp_path / "store"
    with pytest.raises(BuildError) as failed:
        run_build(settings_for(store, HOME=str(home)), log=lambda line: None)
    err = str(failed.value)
    assert "the graph as served (the data with its inferences) does not conform" in err
    assert "only the inferences give one" in err and "award/amh-2023-audiovisual-media" in err
    with pytest.raises(NoBuildError):
        current_build_dir(store)
