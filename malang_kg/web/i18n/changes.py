"""The texts of the change feed (``/changes``) and of entities' histories and past versions, in
Indonesian and English."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "changes_title": {"id": "Perubahan", "en": "Changes"},
    "changes_intro": {
        "id": "Apa yang ditambahkan, diubah, atau dihapus oleh setiap pembaruan graf, yang "
        "terbaru lebih dulu. Juga tersedia sebagai Activity Streams, LDES, dan Atom.",
        "en": "What each update of the graph added, changed or removed, newest first. Also "
        "available as Activity Streams, LDES and Atom.",
    },
    "changes_feed_title": {
        "id": "Perubahan graf pengetahuan Kota Malang",
        "en": "Changes to the Malang City knowledge graph",
    },
    "changes_count": {"id": "{total} perubahan", "en": "{total} changes"},
    "changes_build": {"id": "Pembaruan {build}", "en": "Update {build}"},
    "changes_none": {"id": "Belum ada perubahan yang tercatat.", "en": "No change recorded yet."},
    "kind_create": {"id": "Ditambahkan", "en": "Added"},
    "kind_update": {"id": "Diubah", "en": "Changed"},
    "kind_delete": {"id": "Dihapus", "en": "Removed"},
    "col_when": {"id": "Waktu", "en": "When"},
    "col_what": {"id": "Perubahan", "en": "Change"},
    "col_entity": {"id": "Entitas", "en": "Entity"},
    "col_build": {"id": "Pembaruan", "en": "Update"},
    "all_changes": {"id": "Semua perubahan", "en": "All changes"},
    "page": {"id": "Halaman", "en": "Page"},
    "of": {"id": "dari", "en": "of"},
    "previous": {"id": "Sebelumnya", "en": "Previous"},
    "next": {"id": "Berikutnya", "en": "Next"},
    "feeds": {"id": "Umpan", "en": "Feeds"},
    "no_such_build": {
        "id": "Tidak ada pembaruan dengan pengenal ini.",
        "en": "There is no update with this identifier.",
    },
    "bad_page": {
        "id": "page= harus nomor halaman mulai 1.",
        "en": "page= must be a page number from 1.",
    },
    "bad_datetime": {
        "id": "Accept-Datetime harus berupa tanggal HTTP, misalnya Wed, 02 Dec 2026 10:00:00 GMT.",
        "en": "Accept-Datetime must be an HTTP date, such as Wed, 02 Dec 2026 10:00:00 GMT.",
    },
    "no_history": {
        "id": "Tidak ada versi entitas ini yang tercatat.",
        "en": "No version of this entity is recorded.",
    },
    "removed_note": {
        "id": "Entitas ini dihapus pada pembaruan {build} ({date}); ini versi terakhirnya.",
        "en": "This entity was removed in update {build} ({date}); this is its last version.",
    },
    # The history on an entity's page and its past versions.
    "history": {"id": "Riwayat", "en": "History"},
    "first_seen": {"id": "Pertama muncul", "en": "First appeared"},
    "last_changed": {"id": "Terakhir diubah", "en": "Last changed"},
    "version_of": {"id": "versi {date}", "en": "version of {date}"},
    "not_current": {
        "id": "Ini versi lama ({date}), bukan yang terkini.",
        "en": "This is a past version ({date}), not the current one.",
    },
    "see_current": {"id": "Lihat halaman terkini", "en": "See the current page"},
    "version_statements": {"id": "Pernyataan pada versi ini", "en": "Statements in this version"},
    "timemap": {"id": "Semua versi (TimeMap)", "en": "All versions (TimeMap)"},
}
