"""Interface texts of the API, downloads and reconciliation pages, in Indonesian and English
(``i18n.translator(TEXTS, lang)``)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "api_title": {"id": "API kueri bernama", "en": "Named queries API"},
    "api_intro": {
        "id": "Setiap kueri bernama adalah URL tetap yang menjawab JSON, CSV, atau TSV tanpa "
        "perlu menulis SPARQL. Parameter diberikan di query string dan diperiksa menurut "
        "tipenya; lang=id atau lang=en memilih bahasa label.",
        "en": "Each named query is a stable URL that answers JSON, CSV or TSV without writing "
        "SPARQL. Parameters go in the query string and are checked by type; lang=id or lang=en "
        "chooses the language of the labels.",
    },
    "openapi": {"id": "Deskripsi OpenAPI 3.1", "en": "OpenAPI 3.1 description"},
    "query": {"id": "Kueri", "en": "Query"},
    "description": {"id": "Deskripsi", "en": "Description"},
    "parameters": {"id": "Parameter", "en": "Parameters"},
    "no_parameters": {"id": "Tanpa parameter.", "en": "No parameters."},
    "name": {"id": "Nama", "en": "Name"},
    "type": {"id": "Tipe", "en": "Type"},
    "default": {"id": "Bawaan", "en": "Default"},
    "help": {"id": "Keterangan", "en": "Help"},
    "run": {"id": "Jalankan", "en": "Run"},
    "sparql_text": {"id": "Teks SPARQL", "en": "SPARQL text"},
    "open_in_editor": {
        "id": "Buka kueri ini di halaman SPARQL",
        "en": "Open this query in the SPARQL query page",
    },
    "results": {"id": "Hasil", "en": "Results"},
    "rows": {"id": "baris", "en": "rows"},
    "row": {"id": "baris", "en": "row"},
    "in_ms": {"id": "dalam", "en": "in"},
    "more_rows": {
        "id": "Masih ada baris berikutnya; halaman ini menampilkan sebagian jawaban.",
        "en": "More rows follow; this page shows part of the answer.",
    },
    "next_page": {"id": "Halaman berikutnya", "en": "Next page"},
    "truncated": {
        "id": "Hasil dipotong pada batas baris; hanya baris pertama yang ditampilkan.",
        "en": "The result was cut at the row limit; only the first rows are shown.",
    },
    "formats": {"id": "Format lain", "en": "Other formats"},
    "all_queries": {"id": "Semua kueri", "en": "All queries"},
    "error": {"id": "Kesalahan", "en": "Error"},
    "downloads_title": {"id": "Unduhan", "en": "Downloads"},
    "downloads_intro": {
        "id": "Salinan lengkap graf dari build saat ini, dikompresi dengan gzip. Lisensi: "
        "CC BY 4.0. Periksa berkas dengan checksum SHA-256.",
        "en": "Complete copies of the graph from the current build, compressed with gzip. "
        "Licence: CC BY 4.0. Check a file with its SHA-256 checksum.",
    },
    "build": {"id": "Build", "en": "Build"},
    "file": {"id": "Berkas", "en": "File"},
    "contents": {"id": "Isi", "en": "Contents"},
    "format": {"id": "Format", "en": "Format"},
    "size": {"id": "Ukuran", "en": "Size"},
    "triples": {"id": "Tripel", "en": "Triples"},
    "no_downloads": {
        "id": "Build saat ini tidak memiliki unduhan; jalankan malang-kg build lagi.",
        "en": "The current build has no downloads; run malang-kg build again.",
    },
    "void_link": {
        "id": "Deskripsi dataset (VoID dan DCAT)",
        "en": "Dataset description (VoID and DCAT)",
    },
    "changes_link": {
        "id": "Apa yang berubah pada setiap pembaruan: perubahan sebagai halaman, Activity "
        "Streams 2.0, LDES, dan Atom",
        "en": "What changed with each update: the changes as a page, Activity Streams 2.0, LDES "
        "and Atom",
    },
}
