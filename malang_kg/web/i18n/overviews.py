"""The texts of the citizens' overview pages (``/awards``, ``/areas``), in Indonesian and
English."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "awards_title": {"id": "Penghargaan", "en": "Awards"},
    "awards_intro": {
        "id": "Penghargaan yang diraih Pemerintah Kota Malang dan warganya menurut siaran pers, "
        "dikelompokkan per ajang. Setiap penghargaan menyebut kalimat sumbernya.",
        "en": "Awards won by the Malang City Government and its citizens according to its press "
        "releases, grouped by competition. Each award names the sentence it is stated in.",
    },
    "awards_count": {"id": "{shown} dari {total} penghargaan", "en": "{shown} of {total} awards"},
    "filter": {"id": "Saring", "en": "Filter"},
    "filter_year": {"id": "Tahun", "en": "Year"},
    "filter_event": {"id": "Ajang", "en": "Competition"},
    "filter_recipient": {"id": "Penerima", "en": "Recipient"},
    "any": {"id": "Semua", "en": "All"},
    "apply": {"id": "Terapkan", "en": "Apply"},
    "clear": {"id": "Hapus saringan", "en": "Clear filters"},
    "unknown_filter": {
        "id": "Nilai saringan ini tidak dikenal dan diabaikan:",
        "en": "These filter values are unknown and were ignored:",
    },
    "no_awards": {"id": "Tidak ada penghargaan yang cocok.", "en": "No award matches."},
    "organised_by": {"id": "Penyelenggara", "en": "Organised by"},
    "year": {"id": "Tahun", "en": "Year"},
    "placing": {"id": "Peringkat", "en": "Placing"},
    "category": {"id": "Kategori", "en": "Category"},
    "recipient": {"id": "Penerima", "en": "Recipient"},
    "work": {"id": "Karya pemenang", "en": "Winning work"},
    "details": {"id": "Rincian penghargaan", "en": "About this award"},
    "stated_in": {"id": "Dinyatakan dalam siaran pers", "en": "Stated in the press release"},
    "quote_english": {
        "id": "Kutipan asli dari versi bahasa Inggris siaran pers",
        "en": "Quoted from the English version of the press release",
    },
    "data_links": {"id": "Data yang sama", "en": "The same data"},
    "areas_title": {"id": "Wilayah Kota Malang", "en": "Areas of Malang City"},
    "areas_intro": {
        "id": "Kota Malang terbagi atas {kecamatan} kecamatan dan {kelurahan} kelurahan. Setiap "
        "wilayah disertai kode Kemendagri dan BPS-nya serta Kelompok Informasi Masyarakat (KIM) "
        "yang berbasis di sana.",
        "en": "Malang City is divided into {kecamatan} kecamatan (districts) and {kelurahan} "
        "kelurahan (urban villages). Each area is shown with its Kemendagri and BPS codes and the "
        "community information groups (KIM) based there.",
    },
    "kemendagri": {"id": "Kemendagri", "en": "Kemendagri"},
    "bps": {"id": "BPS", "en": "BPS"},
    "kelurahan_heading": {"id": "Kelurahan", "en": "Kelurahan"},
    "codes_heading": {"id": "Kode Kemendagri · BPS", "en": "Kemendagri · BPS code"},
    "kim_heading": {"id": "KIM", "en": "KIM"},
    "kelurahan_of": {"id": "kelurahan", "en": "kelurahan"},
    "code_title": {"id": "Buka wilayah dengan kode ini", "en": "Open the area with this code"},
}
