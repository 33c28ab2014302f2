"""The interface texts of the entity pages, the ontology page and the site's navigation, in
Indonesian and English (rendered with ``i18n.translator``)."""

from __future__ import annotations

NAV: dict[str, dict[str, str]] = {
    "skip": {"id": "Langsung ke isi", "en": "Skip to content"},
    "nav_label": {"id": "Navigasi situs", "en": "Site navigation"},
    "home": {"id": "Beranda", "en": "Home"},
    "awards": {"id": "Penghargaan", "en": "Awards"},
    "areas": {"id": "Wilayah", "en": "Areas"},
    "ontology": {"id": "Ontologi", "en": "Ontology"},
    "search": {"id": "Cari", "en": "Search"},
    "search_label": {"id": "Cari entitas", "en": "Search entities"},
    "search_placeholder": {
        "id": "mis. Samaan, KIM, Diskominfo",
        "en": "e.g. Samaan, KIM, Diskominfo",
    },
    "language": {"id": "Bahasa", "en": "Language"},
    "tagline": {
        "id": "Graf Pengetahuan Kota Malang",
        "en": "Malang City Knowledge Graph",
    },
    "changes": {"id": "Perubahan", "en": "Changes"},
    "changes_feed": {"id": "Perubahan graf (Atom)", "en": "Changes to the graph (Atom)"},
    "footer": {
        "id": "Data terbuka tertaut tentang Pemerintah Kota Malang. "
        "Setiap fakta menyebut sumbernya.",
        "en": "Linked open data about the Malang City Government. Every fact names its source.",
    },
}

TEXTS: dict[str, dict[str, str]] = {
    **NAV,
    # the entity page
    "identifier": {"id": "Pengenal (IRI)", "en": "Identifier (IRI)"},
    "types": {"id": "Jenis", "en": "Type"},
    "properties": {"id": "Semua keterangan", "en": "All statements"},
    "legend": {
        "id": "Keterangan bertanda “disimpulkan” tidak ditulis dalam sumber, tetapi diturunkan "
        "oleh penalar OWL dari keterangan lain dan ontologi.",
        "en": "Statements marked “inferred” are not written in a source; the OWL reasoner "
        "derived them from other statements and the ontology.",
    },
    "inferred": {"id": "disimpulkan", "en": "inferred"},
    "inferred_help": {
        "id": "Disimpulkan oleh penalar, tidak dinyatakan langsung dalam sumber",
        "en": "Inferred by the reasoner, not stated directly in a source",
    },
    # Why an inferred statement holds (``entities/inference.py``): the axiom, then the rule.
    "why_prp-spo1": {
        "id": "dari {via}, sub-properti dari properti ini",
        "en": "from {via}, a sub-property of this property",
    },
    "why_cax-sco": {
        "id": "karena ini sebuah {via}, subkelas dari kelas ini",
        "en": "because it is a {via}, a subclass of this class",
    },
    "why_prp-dom": {
        "id": "karena ini memiliki {via}, yang domainnya kelas ini",
        "en": "because it has a {via}, whose domain is this class",
    },
    "why_prp-rng": {
        "id": "karena ini nilai dari {via}, yang rentangnya kelas ini",
        "en": "because it is the value of a {via}, whose range is this class",
    },
    "why_prp-inv": {"id": "kebalikan dari {via}", "en": "the inverse of {via}"},
    "why_prp-symp": {"id": "{via} bersifat simetris", "en": "{via} is symmetric"},
    "why_prp-trp": {"id": "{via} bersifat transitif", "en": "{via} is transitive"},
    "why_rule": {"id": "aturan OWL 2 RL", "en": "OWL 2 RL rule"},
    "external": {"id": "tautan luar", "en": "external link"},
    "confidence": {"id": "Tingkat keyakinan", "en": "Confidence"},
    "according_to": {"id": "menurut", "en": "according to"},
    "evidence": {"id": "Bukti dari sumber", "en": "Evidence from the source"},
    "evidence_intro": {
        "id": "Kalimat sumber, dikutip kata demi kata, tempat keterangan tentang entitas ini "
        "dinyatakan.",
        "en": "The sentences of the source, quoted verbatim, that state what is said here.",
    },
    "read_in_context": {"id": "Baca dalam konteks artikel", "en": "Read it in the article"},
    "sentence_of": {"id": "Halaman kalimat ini", "en": "This sentence's page"},
    "also_as": {"id": "juga, disimpulkan, sebagai", "en": "also, inferred, as"},
    "also_as_help": {
        "id": "Penalar menyimpulkan keterangan yang sama dengan properti ini dari properti di atas "
        "(subproperti atau properti yang setara).",
        "en": "The reasoner inferred the same statements with this property from the one above "
        "(its sub-property or an equivalent one).",
    },
    "quoted_from": {"id": "Dikutip dari", "en": "Quoted from"},
    "published_by": {"id": "diterbitkan oleh", "en": "published by"},
    "english_version": {
        "id": "kutipan dari versi bahasa Inggris siaran pers",
        "en": "quoted from the English version of the release",
    },
    "show_text": {"id": "Tampilkan seluruh teks", "en": "Show the whole text"},
    "referenced_by": {"id": "Dirujuk oleh", "en": "Referenced by"},
    "referenced_by_none": {
        "id": "Tidak ada entitas lain yang merujuk entitas ini.",
        "en": "No other entity refers to this one.",
    },
    "links_total": {"id": "tautan masuk", "en": "incoming links"},
    "page": {"id": "Halaman", "en": "Page"},
    "of": {"id": "dari", "en": "of"},
    "previous": {"id": "Sebelumnya", "en": "Previous"},
    "next": {"id": "Berikutnya", "en": "Next"},
    "pagination": {"id": "Halaman tautan masuk", "en": "Pages of incoming links"},
    "incoming_first": {
        "id": "Halaman-halaman ini hanya mendaftar {n} tautan pertama; kueri SPARQL membaca "
        "semuanya.",
        "en": "These pages list the first {n} links only; a SPARQL query reads them all.",
    },
    "bad_page": {
        "id": "page= harus nomor halaman, bilangan bulat mulai dari 1.",
        "en": "page= must be a page number, a whole number from 1.",
    },
    "no_such_page": {
        "id": "Halaman ini tidak ada: halaman terakhir tautan masuk entitas ini adalah "
        "halaman {pages}.",
        "en": "There is no such page: the last page of this entity's incoming links is "
        "page {pages}.",
    },
    "download": {"id": "Unduh data", "en": "Download the data"},
    "download_intro": {
        "id": "Keterangan entitas ini (dinyatakan dan disimpulkan) beserta label yang dirujuknya, "
        "dalam format RDF:",
        "en": "What is said about this entity (asserted and inferred) with the labels of what "
        "it links to, in RDF:",
    },
    "query_it": {"id": "Tanyakan lewat SPARQL", "en": "Ask about it with SPARQL"},
    # areas
    "area": {"id": "Wilayah", "en": "Area"},
    "within_chain": {"id": "Terletak di", "en": "Lies within"},
    "areas_inside": {"id": "Wilayah di dalamnya", "en": "Areas inside it"},
    "places_inside": {"id": "Tempat di dalamnya", "en": "Places inside it"},
    "codes": {"id": "Kode wilayah", "en": "Area codes"},
    "kemendagri_code": {"id": "Kode Kemendagri", "en": "Kemendagri code"},
    "bps_code": {"id": "Kode BPS", "en": "BPS code"},
    "based_here": {"id": "Organisasi yang berbasis di sini", "en": "Organisations based here"},
    "awards_here": {
        "id": "Penghargaan yang diraih organisasi di sini",
        "en": "Awards won by organisations based here",
    },
    "won_by": {"id": "diraih oleh", "en": "won by"},
    "awards_first": {
        "id": "Hanya {n} penghargaan pertama yang ditampilkan. Semua penghargaan tiap organisasi:",
        "en": "Only the first {n} awards are shown. All the awards of each organisation:",
    },
    "values_first": {
        "id": "{n} dari {total} ditampilkan.",
        "en": "{n} of {total} shown.",
    },
    "values_all": {"id": "Tampilkan semua {total}", "en": "Show all {total}"},
    "siblings": {"id": "Wilayah lain di {parent}", "en": "Other areas in {parent}"},
    "siblings_plain": {"id": "Wilayah lain di wilayah yang sama", "en": "Other areas alongside"},
    "code_not_found_title": {"id": "Kode tidak ditemukan", "en": "Code not found"},
    "code_not_found": {
        "id": "Tidak ada wilayah dalam graf ini dengan kode",
        "en": "No area of this graph has the code",
    },
    "code_unknown_scheme": {
        "id": "Skema kode tidak dikenal: gunakan /code/kemendagri/… atau /code/bps/….",
        "en": "Unknown code scheme: use /code/kemendagri/… or /code/bps/….",
    },
    "code_did_you_mean": {"id": "Mungkin maksud Anda:", "en": "Did you mean:"},
    "code_forms": {
        "id": "Kode boleh ditulis dengan atau tanpa titik, mis. /code/kemendagri/35.73.02.1003 "
        "atau /code/kemendagri/3573021003; kode BPS berupa angka saja, mis. /code/bps/3573030001.",
        "en": "A code may be written with or without its dots, e.g. /code/kemendagri/35.73.02.1003 "
        "or /code/kemendagri/3573021003; BPS codes are digits only, e.g. /code/bps/3573030001.",
    },
    "code_all_areas": {"id": "Semua wilayah dan kodenya", "en": "Every area and its codes"},
    "scheme_kemendagri": {"id": "kode Kemendagri", "en": "Kemendagri code"},
    "scheme_bps": {"id": "kode BPS", "en": "BPS code"},
    "code_link": {"id": "Buka wilayah dengan kode ini", "en": "Open the area with this code"},
    "operating_within": {
        "id": "Organisasi yang berbasis di wilayah di dalamnya (disimpulkan)",
        "en": "Organisations based in an area inside it (inferred)",
    },
    "governed_by": {"id": "Pemerintah yang berwenang", "en": "Governed by"},
    "forecast": {"id": "Prakiraan cuaca", "en": "Weather forecast"},
    "forecast_link": {
        "id": "Prakiraan cuaca publik BMKG untuk kelurahan ini (JSON)",
        "en": "BMKG's public weather forecast for this kelurahan (JSON)",
    },
    # organisations and people
    "organisation": {"id": "Organisasi", "en": "Organisation"},
    "based_in": {"id": "Berbasis di", "en": "Based in"},
    "parent_orgs": {"id": "Bagian dari", "en": "Part of"},
    "sub_orgs": {"id": "Unit di bawahnya", "en": "Sub-organisations"},
    "head_posts": {"id": "Pimpinan", "en": "Head"},
    "posts": {"id": "Jabatan", "en": "Posts"},
    "held_by": {"id": "dipegang oleh", "en": "held by"},
    "vacant": {"id": "pemegang tidak diketahui", "en": "holder not known"},
    "members": {"id": "Anggota", "en": "Members"},
    "partners": {"id": "Mitra", "en": "Partners"},
    "awards_received": {"id": "Penghargaan yang diterima", "en": "Awards received"},
    "awards_conferred": {"id": "Penghargaan yang diberikan", "en": "Awards conferred"},
    "at_event": {"id": "pada", "en": "at"},
    "to_recipient": {"id": "kepada", "en": "to"},
    "person": {"id": "Orang", "en": "Person"},
    "posts_held": {"id": "Jabatan yang dipegang", "en": "Posts held"},
    "in_org": {"id": "di", "en": "in"},
    "heads": {"id": "Memimpin", "en": "Heads"},
    # awards
    "award": {"id": "Penghargaan", "en": "Award"},
    "atEvent": {"id": "Ajang", "en": "Competition"},
    "recipient": {"id": "Penerima", "en": "Recipient"},
    "placing": {"id": "Peringkat", "en": "Placing"},
    "rank": {"id": "Peringkat (angka)", "en": "Rank (number)"},
    "rankTitle": {"id": "Sebutan peringkat", "en": "Rank as worded"},
    "category": {"id": "Kategori", "en": "Category"},
    "level": {"id": "Tingkat", "en": "Level"},
    "winningWork": {"id": "Karya pemenang", "en": "Winning work"},
    "conferredBy": {"id": "Diberikan oleh", "en": "Conferred by"},
    "year": {"id": "Tahun", "en": "Year"},
    "handedOverAt": {"id": "Diserahkan pada", "en": "Handed over at"},
    # the press release and its sentences
    "article_text": {"id": "Teks siaran pers", "en": "Text of the press release"},
    "article_intro": {
        "id": "Kalimat yang ditandai adalah sumber fakta dalam graf ini; tautan di sampingnya "
        "menuju fakta-fakta itu. Teks ini versi bahasa Inggris dari siaran pers.",
        "en": "Marked sentences are the sources of facts in this graph; the link beside each "
        "leads to those facts.",
    },
    "facts_from_sentences": {
        "id": "Fakta yang diambil dari setiap kalimat",
        "en": "Facts taken from each sentence",
    },
    "facts_count": {"id": "fakta", "en": "facts"},
    "facts_from_this": {"id": "Fakta dari kalimat ini", "en": "Facts from this sentence"},
    "back_to_sentence": {"id": "kembali ke kalimat", "en": "back to the sentence"},
    "original": {"id": "Artikel asli", "en": "Original article"},
    "sentence": {"id": "Kalimat sumber", "en": "Source sentence"},
    # not found
    "not_found_title": {"id": "Entitas tidak ditemukan", "en": "No such entity"},
    "not_found_message": {
        "id": "Graf ini tidak memuat apa pun tentang alamat berikut:",
        "en": "This graph says nothing about this address:",
    },
    "not_found_search": {
        "id": "Cari dengan nama atau sebagian nama",
        "en": "Search by name or part of a name",
    },
    "not_found_sparql": {
        "id": "Atau telusuri graf dengan kueri SPARQL di",
        "en": "Or explore the graph with a SPARQL query at",
    },
    "not_found_ontology": {
        "id": "Kelas dan properti diterangkan di halaman",
        "en": "Classes and properties are documented on the page",
    },
    # the ontology page
    "ontology_title": {
        "id": "Ontologi Graf Pengetahuan Kota Malang",
        "en": "Malang City Knowledge Graph Ontology",
    },
    "contents": {"id": "Daftar isi", "en": "Contents"},
    "namespace": {"id": "Ruang nama", "en": "Namespace"},
    "version": {"id": "Versi", "en": "Version"},
    "license": {"id": "Lisensi", "en": "Licence"},
    "classes": {"id": "Kelas", "en": "Classes"},
    "object_properties": {"id": "Properti objek", "en": "Object properties"},
    "datatype_properties": {"id": "Properti data", "en": "Datatype properties"},
    "annotation_properties": {"id": "Properti anotasi", "en": "Annotation properties"},
    "datatypes": {"id": "Tipe data", "en": "Datatypes"},
    "indonesian": {"id": "Bahasa Indonesia", "en": "Indonesian"},
    "english": {"id": "Bahasa Inggris", "en": "English"},
    "subclass_of": {"id": "Subkelas dari", "en": "Subclass of"},
    "subclasses": {"id": "Subkelas", "en": "Subclasses"},
    "subproperty_of": {"id": "Subproperti dari", "en": "Subproperty of"},
    "subproperties": {"id": "Subproperti", "en": "Subproperties"},
    "inverse_of": {"id": "Kebalikan dari", "en": "Inverse of"},
    "domain": {"id": "Domain", "en": "Domain"},
    "range": {"id": "Jangkauan", "en": "Range"},
    "chain": {"id": "Rantai properti", "en": "Property chain"},
    "characteristics": {"id": "Sifat", "en": "Characteristics"},
    "transitive": {"id": "transitif", "en": "transitive"},
    "symmetric": {"id": "simetris", "en": "symmetric"},
    "functional": {"id": "fungsional", "en": "functional"},
    "exact_match": {"id": "Padanan tepat", "en": "Exact match"},
    "see_also": {"id": "Lihat juga", "en": "See also"},
    "ontology_download": {"id": "Unduh ontologi", "en": "Download the ontology"},
}
