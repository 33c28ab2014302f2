"""What an entity page costs and how much it shows: one trip to a query process for its
queries, long lists cut to their first items with a link to the whole list, and a hub's incoming
links read up to a limit and counted in full."""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from malang_kg.config import Settings
from malang_kg.engine.embedded import EmbeddedBackend
from malang_kg.engine.service import QueryService
from malang_kg.entities import reader
from malang_kg.entities.queries import INCOMING
from malang_kg.store.builds import Manifest
from malang_kg.web import create_app
from malang_kg.web.observe.queries import ObservedService
from malang_kg.web.views import pages
from tests.web.test_pages_content import fetch, section


@pytest.mark.parametrize("serve_from", ["memory", "disk"])
def test_a_page_costs_one_trip_to_a_query_process(
    built: tuple[Settings, Manifest], engine: QueryService, serve_from: str
) -> None:
    backend = EmbeddedBackend.from_store(built[0].store, serve_from=serve_from)
    backend.start()  # as a gunicorn worker does: from disk too, lookups are answered here then
    uncached = ObservedService(backend, dataclasses.replace(engine.settings, cache_mb=0))
    client = create_app(built[0], engine=uncached).test_client()
    fetch(client, "/page/kecamatan/klojen")  # what is read once per build (the schema) is read
    trips: list[object] = []
    submit = backend.pool.submit

    def counted(job: object) -> Callable[[float], object]:
        trips.append(job)
        return submit(job)

    backend.pool.submit = counted  # type: ignore[method-assign]
    before = backend.in_process
    try:
        html, _ = fetch(client, "/page/kelurahan/samaan?lang=en")
    finally:
        backend.pool.submit = submit  # type: ignore[method-assign]
        for process in backend.pool.processes:
            process.close()
        backend.pool.zygote.close()
    assert "KIM Samaan" in section(html, "area")
    # Every query of the page, its kind's view included (guessed from the label index), in one
    # trip; its statements (bounded lookups) are answered in this process meanwhile.
    assert len(trips) == 1
    assert len(trips[0]) > 4  # type: ignore[arg-type]
    assert backend.in_process > before


@pytest.fixture
def short_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lists cut at two items, standing in for a hub's lists cut at fifty (the real data's are
    short): the reader makes only the first two values of a property, the page shows them."""
    monkeypatch.setattr(pages, "SHOWN", 2)
    monkeypatch.setattr(reader, "SHOWN", 2)


@pytest.mark.usefixtures("short_lists")
def test_long_lists_show_their_first_items_and_link_to_all(client: FlaskClient) -> None:
    path = "/page/organization/diskominfo-kota-malang"
    html, _ = fetch(client, f"{path}?lang=en")
    notes = re.findall(r'<p class="note more-values">(.*?)</p>', html)
    assert notes, "some list of Diskominfo's page has more than two items"
    for note in notes:
        found = re.fullmatch(r'2 of (\d+) shown\. <a href="([^"]+)">Show all (\d+)</a>', note)
        assert found is not None and found[1] == found[3] and int(found[1]) > 2, note
    total, href = re.fullmatch(r'2 of (\d+) shown\. <a href="([^"]+)">.*', notes[0]).groups()  # type: ignore[union-attr]
    query, target = href.replace("&amp;", "&").split("#")
    assert "lang=en" in query
    whole, _ = fetch(client, path + query)
    # The list asked for is shown whole at the element linked to; the others stay cut.
    start = whole.index(f'id="{target}"')
    listed = whole[start:].split("</ul>")[0]
    assert listed.count("<li") == int(total)
    assert len(re.findall(r'class="note more-values"', whole)) == len(notes) - 1
    assert client.get(path + query).headers["ETag"] != client.get(f"{path}?lang=en").headers["ETag"]


@pytest.mark.usefixtures("short_lists")
def test_paging_and_showing_a_list_whole_keep_each_other(client: FlaskClient) -> None:
    base = "/page/city/malang"
    first, _ = fetch(client, f"{base}?lang=en")
    show_all = re.search(r'<p class="note more-values">[^<]*<a href="\?all=([^"&]+)', first)
    assert show_all is not None, "some list of the city's page has more than two items"
    key = show_all.group(1)
    html, _ = fetch(client, f"{base}?all={key}&lang=en")
    incoming = section(html, "referenced-by")
    assert f'href="?page=2&amp;all={key}&amp;lang=en#referenced-by"' in incoming
    second, _ = fetch(client, f"{base}?page=2&all={key}&lang=en")
    assert "Page 2 of 2" in section(second, "referenced-by")
    assert f'href="?all={key}&amp;lang=en#referenced-by" rel="prev"' in second
    others = re.findall(r'<p class="note more-values">[^<]*<a href="([^"]+)"', second)
    assert others and all(href.startswith("?page=2&amp;all=") for href in others)


def test_a_hub_reads_its_first_incoming_links_and_counts_them_all(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = "/page/city/malang?lang=en"
    whole = section(fetch(client, path)[0], "referenced-by")
    total = re.search(r"(\d+) incoming links", whole)
    assert total is not None and "links only" not in whole
    # The city's incoming statements stand in for a hub's thousands: its rows are cut at 80.
    monkeypatch.setattr(reader, "INCOMING", dataclasses.replace(INCOMING, limit=80))
    cut = section(fetch(client, path)[0], "referenced-by")
    shown = re.search(r"These pages list the first (\d+) links only", cut)
    assert shown is not None and 0 < int(shown[1]) < int(total[1])
    assert f"{total[1]} incoming links" in cut  # all of them counted, each statement once
    pages = math.ceil(int(shown[1]) / 50)
    assert (f"Page 1 of {pages}" in cut) == (pages > 1)


def test_views_the_label_index_did_not_predict_are_still_shown(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "likely_queries", lambda reader, iri: [])
    html, _ = fetch(client, "/page/kelurahan/samaan?lang=en")
    assert "KIM Samaan" in section(html, "area")
