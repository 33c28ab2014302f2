"""``malang-kg synth``: synthetic data shaped like the real data, deterministic, valid, marked."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from malang_kg.cli import main
from malang_kg.dataset.labels import LABELS_FILE, LabelIndex
from malang_kg.dataset.named_queries import load_queries, run
from malang_kg.pipeline.run import run_build
from malang_kg.pipeline.sources import discover
from malang_kg.pipeline.validate import validate
from malang_kg.store.builds import current_build_dir
from malang_kg.web import embedded_service
from synthetic import SynthError, generate
from tests.conftest import BASE, ID, MK, ROOT, settings_for

SYNTHETIC = ID + "synthetic/"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "small"
    generate(out, 3000, seed=7)
    return out


def _store(directory: Path) -> ox.Store:
    store = ox.Store()
    for path in sorted(directory.glob("*.ttl")):
        store.load(path=path, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(path.as_uri()))
    return store


def test_same_seed_same_bytes_other_seed_other_data(small: Path, tmp_path: Path) -> None:
    generate(tmp_path / "again", 3000, seed=7)
    generate(tmp_path / "other", 3000, seed=8)
    files = sorted(p.name for p in small.glob("*.ttl"))
    assert files == sorted(p.name for p in (tmp_path / "again").glob("*.ttl"))
    for name in files:
        assert (small / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name
    assert any(
        (small / name).read_bytes() != (tmp_path / "other" / name).read_bytes() for name in files
    )


def test_about_the_size_asked_in_several_files(tmp_path: Path) -> None:
    counts = generate(tmp_path / "out", 12_000)
    total = sum(counts.values())
    assert 12_000 <= total < 12_000 * 1.05
    assert len(counts) >= 3
    assert max(counts.values()) < 8_000, "each file stays a reasonable size"
    parsed = sum(1 for _ in _store(tmp_path / "out").quads_for_pattern(None, None, None, None))
    assert parsed == total, "the counts the generator reports are the triples written"


def test_everything_minted_is_marked_synthetic(small: Path) -> None:
    store = _store(small)
    subjects = {q.subject for q in store.quads_for_pattern(None, None, None, None)}
    minted = [s for s in subjects if isinstance(s, ox.NamedNode)]
    assert minted and all(s.value.startswith(SYNTHETIC) for s in minted)
    objects = {q.object for q in store.quads_for_pattern(None, None, None, None)}
    ours = [o.value for o in objects if isinstance(o, ox.NamedNode) and o.value.startswith(BASE)]
    foreign = {o for o in ours if not o.startswith((SYNTHETIC, MK))}
    allowed = (
        "kelurahan/",
        "city/",
        "award-category/",
        "award-rank/",
        "award-level/",
        "measure/",
        "confidence/",
    )
    assert all(o.removeprefix(ID).startswith(allowed) for o in foreign), foreign
    for quad in store.quads_for_pattern(None, ox.NamedNode(SKOS_PREF), None, None):
        assert isinstance(quad.object, ox.Literal)
        mark = {"id": "(sintetis)", "en": "(synthetic)"}[quad.object.language or ""]
        assert quad.object.value.endswith(mark), quad


def test_shaped_like_the_real_data(small: Path) -> None:
    store = _store(small)
    types = Counter(
        q.object.value.removeprefix(MK)
        for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None, None)
        if isinstance(q.object, ox.NamedNode)
    )
    releases = types["PressRelease"]
    assert releases >= 15
    assert 1 <= types["Award"] / releases <= 6
    assert 2 <= types["Sentence"] / releases <= 6
    for cls in (
        "Person",
        "Post",
        "AwardCompetition",
        "Assembly",
        "Quotation",
        "StatisticalClaim",
        "Video",
        "CommunityInformationGroup",
        "GovernmentAgency",
        "Place",
        "ReferenceDocument",
    ):
        assert types[cls] > 0, cls
    kelurahan = {
        q.object.value
        for q in store.quads_for_pattern(None, ox.NamedNode(MK + "basedIn"), None, None)
        if isinstance(q.object, ox.NamedNode) and "/kelurahan/" in q.object.value
    }
    real = discover(ROOT, BASE).store.query(
        f"SELECT ?k WHERE {{ GRAPH ?g {{ ?k a <{MK}Kelurahan> }} }}"
    )
    assert isinstance(real, ox.QuerySolutions)
    assert kelurahan == {row[0].value for row in real if row[0] is not None}, "all 57 kelurahan"


def test_valid_against_the_shapes(small: Path) -> None:
    report = validate(discover(ROOT, BASE, small))
    assert report.conforms, report.render()


def test_builds_and_serves_like_the_real_data(small: Path, tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "store", DATA_DIR=str(small))
    manifest = run_build(settings, log=lambda line: None)
    assert manifest.triples > 3000
    engine = embedded_service(settings)
    queries = load_queries(ROOT)
    labels = LabelIndex(current_build_dir(settings.store) / LABELS_FILE)
    awards = run(engine, queries["awards"], labels=labels).rows
    assert len(awards) > 7
    assert any("(synthetic)" in row["eventLabel"].value for row in awards)
    assert len(run(engine, queries["kim"]).rows) > 57
    assert engine.ask(
        f"ASK {{ ?kim a <{MK}CommunityInformationGroup> ; <{MK}operatesWithin> <{ID}city/malang> "
        f"FILTER STRSTARTS(STR(?kim), '{SYNTHETIC}') }}"
    ), "reasoning reaches the synthetic KIMs"


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli"
    assert main(["synth", "--triples", "1500", "--out", str(out), "--seed", "3"]) == 0
    assert "triples in" in capsys.readouterr().out
    assert main(["synth", "--triples", "1500", "--out", str(out)]) == 1
    assert "choose an empty directory" in capsys.readouterr().err
    with pytest.raises(SynthError):
        generate(out, 100)
