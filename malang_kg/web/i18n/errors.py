"""Error pages in the interface language: their titles (the HTTP reason phrase is English, and a
citizen reading Indonesian should not meet "404 Not Found") and the messages a reader can meet."""

from __future__ import annotations

from malang_kg.web.i18n import choose_language, fill, translator

# In English an error keeps its own title (the reason phrase, or a finer one such as a query
# error's); in Indonesian it gets its status's.
INDONESIAN_TITLES: dict[int, str] = {
    400: "Permintaan tidak valid",
    404: "Tidak ditemukan",
    405: "Metode tidak diizinkan",
    406: "Format tidak tersedia",
    410: "Sudah dihapus",
    413: "Permintaan terlalu besar",
    415: "Jenis media tidak didukung",
    429: "Terlalu banyak permintaan",
    500: "Kesalahan server",
    503: "Layanan tidak tersedia",
    504: "Waktu habis",
}


def status_title(status: int, lang: str, default: str) -> str:
    """The title of an error page with ``status`` in ``lang``; ``default`` is the error's own."""
    return INDONESIAN_TITLES.get(status, default) if lang == "id" else default


# The messages of errors a reader can meet by following or typing a link; the protocol's own
# (a POST's media type, a 406 to a data client) are for programs and stay in English.
MESSAGES: dict[str, dict[str, str]] = {
    "query_empty": {"id": "Kuerinya kosong.", "en": "The query is empty."},
    "one_query": {
        "id": "Berikan tepat satu kueri; permintaan ini memuat {count}.",
        "en": "Give exactly one query; this request has {count}.",
    },
    "graph_empty": {
        "id": "{name} kosong; berikan IRI sebuah graf.",
        "en": "{name} is empty; give the IRI of a graph.",
    },
    "read_only": {
        "id": "Titik akhir ini hanya-baca: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...) tidak "
        "diterima, dengan metode apa pun. Kirim kueri (SELECT, ASK, CONSTRUCT, atau DESCRIBE).",
        "en": "This endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...) is not "
        "accepted, by any method. Send a query (SELECT, ASK, CONSTRUCT or DESCRIBE) instead.",
    },
    "not_a_short_link": {
        "id": "Ini bukan tautan pendek: pengenalnya {shortest} sampai {longest} huruf dan angka.",
        "en": "This is not a short link: an id is {shortest} to {longest} letters and digits.",
    },
    "no_short_link": {
        "id": "Tidak ada kueri yang tersimpan dengan tautan pendek ini; POST /q membuatnya.",
        "en": "No query is stored under this short link; POST /q makes one.",
    },
    "short_links_down": {
        "id": "Penyimpanan tautan pendek sedang tidak tersedia; coba lagi sebentar lagi.",
        "en": "The short-link store is unavailable just now; try again in a moment.",
    },
    "no_entity_here": {
        "id": "Tidak ada entitas di alamat ini.",
        "en": "There is no entity at this address.",
    },
    "not_found": {
        "id": "Tidak ada halaman di alamat ini. Periksa ejaannya, atau mulai dari beranda atau "
        "pencarian.",
        "en": "There is no page at this address. Check its spelling, or start from the home page "
        "or the search.",
    },
    "method_not_allowed": {
        "id": "Metode HTTP ini tidak diizinkan untuk alamat ini.",
        "en": "This HTTP method is not allowed for this address.",
    },
    "unexpected": {
        "id": "Server mengalami galat yang tidak terduga; galat ini sudah dicatat.",
        "en": "The server met an unexpected error; it has been logged.",
    },
    "void_formats": {
        "id": "Deskripsi dataset (VoID) adalah data untuk program, tersedia sebagai {formats}. "
        "Untuk pembaca, unduhan dan isinya ada di halaman Unduhan.",
        "en": "The dataset description (VoID) is data for programs, available as {formats}. "
        "For readers, the downloads and what they hold are on the Downloads page.",
    },
    "void_link": {"id": "Ke halaman Unduhan", "en": "Go to the Downloads page"},
    "ontology_formats": {
        "id": "Ontologi tersedia sebagai /ontology, .html, .ttl, .jsonld, .nt, atau .rdf.",
        "en": "The ontology is served as /ontology, .html, .ttl, .jsonld, .nt or .rdf.",
    },
}


# Werkzeug's own English descriptions of these statuses, replaced by ours.
DEFAULT_MESSAGES = {404: "not_found", 405: "method_not_allowed", 500: "unexpected"}


def say(key: str, **fields: object) -> str:
    """The message ``key`` in the request's interface language, with ``fields`` filled in (they
    are values, never formats)."""
    return fill(translator(MESSAGES, choose_language())(key), **fields)
