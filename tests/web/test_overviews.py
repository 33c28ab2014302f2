"""The citizens' pages: /awards grouped by competition and filterable, /areas from the city down to
each kelurahan, the kelurahan page's awards and neighbours, and codes in any form at /code."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

ID_PAGE = "/page/"


def html_of(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url, headers={"Accept": "text/html"})
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def test_awards_lists_every_award_with_its_recipient_grouped_by_competition(
    client: FlaskClient,
) -> None:
    html = html_of(client, "/awards?lang=en")
    assert html.count('class="award-card"') == 7
    assert 'id="awards-count" role="status">7 of 7 awards' in html
    assert html.count('<section class="event"') == 4  # AMH, JPRA, APW, KIM Hackathon
    assert "KIM Samaan" in html and "Diskominfo" in html
    main = html[html.index("<main") : html.index("</main>")]
    assert "Third place" in main and "sparql" not in main.lower()
    assert 'lang="en"' in html and "Quoted from the English version" in html


def test_awards_in_indonesian_name_placings_in_indonesian(client: FlaskClient) -> None:
    html = html_of(client, "/awards?lang=id")
    assert "Peringkat III" in html and "Third place" not in html
    assert "Kutipan asli dari versi bahasa Inggris" in html


def test_awards_filter_by_year_event_and_recipient(client: FlaskClient) -> None:
    html = html_of(client, "/awards?lang=en&recipient=organization/kim-samaan")
    assert html.count('class="award-card"') == 1 and "KIM Hackathon 2023" in html
    html = html_of(client, "/awards?lang=en&event=event/jpra-2023")
    assert html.count('class="award-card"') == 4
    html = html_of(client, "/awards?lang=en&year=2023")
    assert html.count('class="award-card"') == 7
    html = html_of(client, "/awards?lang=en&year=1999", status=400)
    assert 'id="unknown-filter"' in html


def test_areas_go_from_the_city_to_every_kelurahan_with_codes_and_kim(
    client: FlaskClient,
) -> None:
    html = html_of(client, "/areas?lang=id")
    assert html.count('<section class="kecamatan"') == 5
    assert len(re.findall(r'<a href="/page/kelurahan/[^"]+">', html)) == 57
    klojen = html[html.index(">Klojen</a> <small") :]
    klojen = klojen[: klojen.index("</table>")]
    assert ">Samaan</a>" in klojen and "KIM Samaan" in klojen
    assert "/code/kemendagri/35.73.02.1003" in klojen and "/code/bps/" in klojen


def test_the_kelurahan_page_names_its_kim_and_their_award(client: FlaskClient) -> None:
    html = html_of(client, "/page/kelurahan/samaan?lang=en")
    awards = html[html.index('id="awards-here"') :]
    awards = awards[: awards.index("</ul>")]
    assert "KIM Hackathon 2023" in awards and "KIM Samaan" in awards
    siblings = html[html.index('id="siblings"') :]
    siblings = siblings[: siblings.index("</ul>")]
    assert "Other areas in Klojen" in siblings and ">Oro-oro Dowo</a>" in siblings
    assert ">Samaan</a>" not in siblings
    assert 'href="/code/kemendagri/35.73.02.1003"' in html


def test_codes_resolve_in_any_common_form(client: FlaskClient) -> None:
    for code in ("35.73.02.1003", "3573021003", "%2035.73.02.1003%20", "35-73-02-1003"):
        response = client.get(f"/code/kemendagri/{code}")
        assert response.status_code == 303, code
        assert response.headers["Location"].endswith("/id/kelurahan/samaan"), code


def test_a_near_miss_gets_a_did_you_mean_in_the_interface_language(client: FlaskClient) -> None:
    html = html_of(client, "/code/kemendagri/35730210033?lang=id", status=404)
    assert "Tidak ada wilayah dalam graf ini dengan kode" in html
    assert "Mungkin maksud Anda" in html and 'href="/code/kemendagri/35.73.02.1003"' in html
    html = html_of(client, "/code/kemendagri/35730210033?lang=en", status=404)
    assert "No area of this graph has the code" in html and "Did you mean" in html
    response = client.get("/code/bps/99?lang=en", headers={"Accept": "application/json"})
    assert response.status_code == 404 and "No area" in response.get_json()["message"]
    assert client.get("/code/nope/35?lang=en").status_code == 404


def test_the_home_page_reaches_awards_and_areas_in_one_tap(client: FlaskClient) -> None:
    html = html_of(client, "/?lang=id")
    assert 'id="to-awards" href="/awards?lang=id"' in html
    assert 'id="to-areas" href="/areas?lang=id"' in html


def test_the_home_page_says_what_the_graph_holds_in_plain_words(client: FlaskClient) -> None:
    html = html_of(client, "/?lang=id")
    holdings = html[html.index('<ul id="holdings">') :]
    holdings = holdings[: holdings.index("</ul>")]
    assert "<strong>7</strong> penghargaan" in holdings
    assert (
        "<strong>57</strong> kelurahan" in holdings and "<strong>5</strong> kecamatan" in holdings
    )
    assert "kalimat" not in holdings.lower()  # internal classes stay in the experts' table
    assert '<details id="all-classes">' in html
