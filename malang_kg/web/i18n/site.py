"""The texts of the site blueprint (landing page, browsing, search), in Indonesian and English."""

from __future__ import annotations

from malang_kg.dataset.search import MAX_QUERY_CHARS

SEARCH_JSON_MAX = 100  # most results one JSON search answers

TEXTS: dict[str, dict[str, str]] = {
    "title": {"id": "Graf Pengetahuan Kota Malang", "en": "Malang City Knowledge Graph"},
    "about": {
        "id": "Informasi Pemerintah Kota Malang sebagai Linked Open Data: organisasi, jabatan, "
        "acara, penghargaan, dan wilayah administratif (kota, 5 kecamatan, 57 kelurahan dengan "
        "kode Kemendagri dan BPS), setiap fakta dengan kalimat sumbernya.",
        "en": "What the Malang City Government says, as Linked Open Data: organisations, posts, "
        "events, awards and administrative areas (the city, 5 kecamatan, 57 kelurahan with their "
        "Kemendagri and BPS codes), each fact with the sentence it comes from.",
    },
    "start": {"id": "Mulai dari sini", "en": "Start here"},
    "start_awards": {"id": "Penghargaan", "en": "Awards"},
    "start_awards_help": {
        "id": "Apa yang diraih kota dan warganya, per ajang",
        "en": "What the city and its citizens won, by competition",
    },
    "start_areas": {"id": "Wilayah", "en": "Areas"},
    "start_areas_help": {
        "id": "5 kecamatan dan 57 kelurahan, kode dan KIM-nya",
        "en": "5 kecamatan and 57 kelurahan, their codes and KIM",
    },
    "start_organisations": {"id": "Badan pemerintah", "en": "Government bodies"},
    "start_organisations_help": {
        "id": "Pemerintah kota, perangkat daerah, kementerian",
        "en": "The city government, its offices, ministries",
    },
    "start_people": {"id": "Orang", "en": "People"},
    "start_people_help": {"id": "Pejabat dan jabatannya", "en": "Officials and their posts"},
    "search": {"id": "Cari", "en": "Search"},
    "search_label": {"id": "Cari nama", "en": "Search by name"},
    "search_hint": {
        "id": "Nama wilayah, organisasi, orang, acara atau penghargaan, atau jenisnya "
        "(mis. “penghargaan”, “kelurahan”); salah ketik kecil, huruf besar, aksen, spasi, "
        "tanda hubung dan angka ulang (“oro2 dowo”) tidak berpengaruh.",
        "en": "A name of an area, organisation, person, event or award, or a kind of thing "
        "(e.g. “awards”, “kelurahan”); small typos, case, accents, spaces, hyphens and the "
        "reduplication shorthand (“oro2 dowo”) do not matter.",
    },
    "statistics": {"id": "Statistik", "en": "Statistics"},
    "holds": {"id": "Isi graf ini", "en": "What the graph holds"},
    "holds_awards": {"id": "penghargaan", "en": "awards"},
    "holds_competitions": {"id": "ajang penghargaan", "en": "award competitions"},
    "holds_bodies": {"id": "badan pemerintah", "en": "government bodies"},
    "holds_kim": {
        "id": "KIM (Kelompok Informasi Masyarakat)",
        "en": "community information groups (KIM)",
    },
    "holds_people": {"id": "orang", "en": "people"},
    "holds_kecamatan": {"id": "kecamatan", "en": "kecamatan (districts)"},
    "holds_kelurahan": {"id": "kelurahan", "en": "kelurahan (urban villages)"},
    "holds_source": {
        "id": "Semuanya dari siaran pers Pemerintah Kota Malang dan data wilayah resmi, setiap "
        "fakta dengan kalimat sumbernya.",
        "en": "All of it from the Malang City Government's press releases and the official area "
        "data, each fact with the sentence it comes from.",
    },
    "build": {"id": "Versi build", "en": "Build"},
    "triples": {"id": "tripel", "en": "triples"},
    "class": {"id": "Kelas", "en": "Class"},
    "entities": {"id": "Entitas", "en": "Entities"},
    "browse": {
        "id": "Untuk pakar: semua kelas dan jumlahnya",
        "en": "For experts: every class and its count",
    },
    "examples": {"id": "Contoh pertanyaan", "en": "Example questions"},
    "examples_intro": {
        "id": "Setiap contoh membuka kuerinya di halaman SPARQL, siap dijalankan atau diubah.",
        "en": "Each example opens its query on the SPARQL page, ready to run or change.",
    },
    "use": {"id": "Gunakan data", "en": "Use the data"},
    "sparql": {"id": "Halaman kueri SPARQL", "en": "SPARQL query page"},
    "sparql_note": {
        "id": "titik akhir SPARQL 1.1, hanya baca",
        "en": "a read-only SPARQL 1.1 endpoint",
    },
    "api": {"id": "API kueri bernama", "en": "Named-query API"},
    "downloads": {"id": "Unduhan", "en": "Downloads"},
    "health": {"id": "Status layanan", "en": "Service status"},
    "browse_title": {"id": "Entitas kelas", "en": "Entities of class"},
    "browse_count": {"id": "entitas", "en": "entities"},
    "page": {"id": "Halaman", "en": "Page"},
    "of": {"id": "dari", "en": "of"},
    "previous": {"id": "Sebelumnya", "en": "Previous"},
    "next": {"id": "Berikutnya", "en": "Next"},
    "truncated": {
        "id": "Daftar ini dipotong pada batas baris layanan.",
        "en": "This list was cut at the service's row limit.",
    },
    "bad_page": {
        "id": "Nomor halaman harus bilangan bulat mulai dari 1, sampai jumlah halaman daftar.",
        "en": "The page number must be a whole number from 1 to the number of pages of the list.",
    },
    "no_class": {
        "id": "Tidak ada kelas ontologi dengan entitas yang bernama ini. Lihat daftar kelas di "
        "halaman depan.",
        "en": "No class of the ontology with entities has this name. See the list of classes on "
        "the home page.",
    },
    "search_title": {"id": "Pencarian", "en": "Search"},
    "results_for": {"id": "hasil untuk", "en": "results for"},
    "showing": {"id": "ditampilkan", "en": "shown"},
    "matched": {"id": "cocok dengan", "en": "matched"},
    "in_area": {"id": "di", "en": "in"},
    "no_results": {
        "id": "Tidak ada yang cocok. Coba sebagian nama saja, atau jelajahi per kelas di halaman "
        "depan.",
        "en": "Nothing matched. Try part of the name, or browse by class on the home page.",
    },
    "empty_query": {
        "id": "Ketik nama yang dicari, misalnya “Samaan” atau “Diskominfo”.",
        "en": "Type a name to look for, for example “Samaan” or “Diskominfo”.",
    },
    "missing_query": {
        "id": "Parameter q tidak ada: kirim ?q=NAMA.",
        "en": "The q parameter is missing: send ?q=NAME.",
    },
    "no_letters": {
        "id": "Pencarian perlu setidaknya satu huruf atau angka.",
        "en": "A search needs at least one letter or digit.",
    },
    "too_long": {
        "id": f"Teks pencarian terlalu panjang; paling banyak {MAX_QUERY_CHARS} karakter.",
        "en": f"The search text is too long; at most {MAX_QUERY_CHARS} characters.",
    },
    "bad_limit": {
        "id": f"limit harus bilangan bulat 1 sampai {SEARCH_JSON_MAX}.",
        "en": f"limit must be a whole number from 1 to {SEARCH_JSON_MAX}.",
    },
}
