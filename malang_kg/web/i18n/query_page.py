"""The texts of the SPARQL query page (``/sparql`` in a browser), in Indonesian and English
(``i18n.translator(TEXTS, lang)``). Texts with ``{name}`` are filled with ``str.format``."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "title": {"id": "Kueri SPARQL", "en": "SPARQL query"},
    "intro": {
        "id": "Titik akhir SPARQL 1.1 (hanya baca) untuk graf pengetahuan Kota Malang. Graf "
        "bawaan adalah gabungan semua graf bernama.",
        "en": "A read-only SPARQL 1.1 endpoint over the Malang City knowledge graph. The default "
        "graph is the union of all named graphs.",
    },
    # The endpoint's path goes between these two texts, in both languages.
    "protocol_before": {
        "id": "Aplikasi juga dapat mengirim GET atau POST ke",
        "en": "Programs may also GET or POST to",
    },
    "protocol_after": {"id": "menurut protokol SPARQL 1.1.", "en": "with the SPARQL 1.1 Protocol."},
    "query_label": {"id": "Kueri", "en": "Query"},
    "run": {"id": "Jalankan kueri", "en": "Run query"},
    "results": {"id": "Hasil", "en": "Results"},
    "elapsed": {"id": "dalam {ms} ms.", "en": "in {ms} ms."},
    # The total follows these texts (in its own element), in both languages.
    "rows_range": {"id": "Baris {first}\u2013{last} dari", "en": "Rows {first}\u2013{last} of"},
    "triples_range": {
        "id": "Tripel {first}\u2013{last} dari",
        "en": "Triples {first}\u2013{last} of",
    },
    "rows_count": {"id": "Baris:", "en": "Rows:"},
    "triples_count": {"id": "Tripel:", "en": "Triples:"},
    "caption_rows": {
        "id": "Hasil kueri, baris {first}\u2013{last} dari {total}",
        "en": "Query results, rows {first}\u2013{last} of {total}",
    },
    "caption_empty": {"id": "Hasil kueri (kosong)", "en": "Query results (empty)"},
    "truncated_heading": {"id": "Jawaban dipotong", "en": "The answer was cut"},
    "truncated": {
        "id": "Jawaban dipotong pada batas {max_rows} baris: hanya {max_rows} baris pertama yang "
        "ada di sini, dan unduhan di bawah juga terpotong di batas yang sama.",
        "en": "The answer was cut at the row limit of {max_rows} rows: only the first {max_rows} "
        "rows are here, and the downloads below are cut at the same limit.",
    },
    "truncated_how": {
        "id": "Untuk mendapat semuanya, ambil jawaban bagian demi bagian dengan LIMIT dan OFFSET "
        "(misalnya LIMIT {max_rows} OFFSET {max_rows}, lalu OFFSET {twice}, …) bersama ORDER BY "
        "agar urutannya tetap.",
        "en": "To get everything, fetch the answer part by part with LIMIT and OFFSET (for "
        "example LIMIT {max_rows} OFFSET {max_rows}, then OFFSET {twice}, …) together with "
        "ORDER BY so that the order stays the same.",
    },
    "pages_label": {"id": "Halaman hasil", "en": "Result pages"},
    "first": {"id": "Pertama", "en": "First"},
    "previous": {"id": "Sebelumnya", "en": "Previous"},
    "next": {"id": "Berikutnya", "en": "Next"},
    "last": {"id": "Terakhir", "en": "Last"},
    "page_of": {"id": "Halaman {page} dari {pages}", "en": "Page {page} of {pages}"},
    "ask_question": {
        "id": "Pertanyaan ASK: apakah pola kueri ini cocok dengan data?",
        "en": "ASK question: does the query's pattern match the data?",
    },
    "ask_answer": {"id": "Jawaban", "en": "Answer"},
    "yes": {"id": "Ya", "en": "Yes"},
    "no": {"id": "Tidak", "en": "No"},
    "ask_yes": {
        "id": "data memuat setidaknya satu kecocokan",
        "en": "the data holds at least one match",
    },
    "ask_no": {"id": "data tidak memuat kecocokan apa pun", "en": "the data holds no match"},
    "turtle_label": {
        "id": "Graf hasil dalam Turtle, tripel {first}\u2013{last} dari {total}",
        "en": "The resulting graph in Turtle, triples {first}\u2013{last} of {total}",
    },
    "turtle_empty": {"id": "Graf hasil kosong", "en": "The resulting graph is empty"},
    "downloads": {"id": "Unduh", "en": "Download"},
    "share": {"id": "Tautan ke kueri ini", "en": "Link to this query"},
    "open": {"id": "buka", "en": "open"},
    "short_link": {"id": "Tautan pendek", "en": "Short link"},
    "make_short_link": {"id": "Buat tautan pendek", "en": "Make a short link"},
    "examples": {"id": "Contoh", "en": "Examples"},
    "error": {"id": "Kesalahan", "en": "Error"},
    "status_400": {"id": "Permintaan tidak valid", "en": "Bad request"},
    "status_404": {"id": "Tidak ditemukan", "en": "Not found"},
    "status_413": {"id": "Kueri terlalu besar", "en": "Query too large"},
    "status_499": {"id": "Permintaan dibatalkan", "en": "Request cancelled"},
    "status_502": {"id": "Mesin kueri gagal", "en": "Query engine failed"},
    "status_503": {"id": "Layanan tidak tersedia", "en": "Service unavailable"},
    "status_504": {"id": "Mesin kueri tidak menjawab", "en": "Query engine did not answer"},
    "add_prefix": {"id": "Tambahkan baris PREFIX", "en": "Add the PREFIX line"},
    "bad_page": {
        "id": "Parameter page harus berupa nomor halaman, bilangan bulat dari 1 sampai {most} "
        "(misalnya page=2), bukan “{value}”.",
        "en": "The page parameter must be a page number, a whole number from 1 to {most} (for "
        "example page=2), not “{value}”.",
    },
    "no_such_page": {
        "id": "Halaman {page} tidak ada: halaman terakhir jawaban ini adalah halaman {pages}.",
        "en": "There is no page {page}: the last page of this answer is page {pages}.",
    },
    "to_last_page": {"id": "Ke halaman terakhir", "en": "To the last page"},
    "language_tag": {"id": "Bahasa: {lang}", "en": "Language: {lang}"},
}
