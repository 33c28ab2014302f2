"""The texts of the completion API (``/api/complete``), in Indonesian and English: why a request
was refused (``i18n.translator(TEXTS, lang)``, then ``str.format`` with the values named)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "q_missing": {
        "id": "Parameter q wajib diisi: teks yang sedang diketik.",
        "en": "The parameter q is required: the text being typed.",
    },
    "q_empty": {
        "id": "Parameter q kosong: berikan teks yang sedang diketik.",
        "en": "The parameter q is empty: give the text being typed.",
    },
    "q_long": {
        "id": "Parameter q lebih dari {limit} karakter.",
        "en": "The parameter q is longer than {limit} characters.",
    },
    "kind": {
        "id": "Parameter kind harus salah satu dari {choices}; diberikan {value}.",
        "en": "The parameter kind must be one of {choices}; got {value}.",
    },
    "limit": {
        "id": "Parameter limit harus bilangan bulat dari 1 sampai {most}; diberikan {value}.",
        "en": "The parameter limit must be a whole number from 1 to {most}; got {value}.",
    },
    "lang": {
        "id": "Parameter lang harus id atau en; diberikan {value}.",
        "en": "The parameter lang must be id or en; got {value}.",
    },
    "unknown": {
        "id": "{name} bukan parameter API ini; parameternya: {known}.",
        "en": "{name} is not a parameter of this API; its parameters: {known}.",
    },
    "repeated": {
        "id": "Parameter {name} diberikan {count} kali; berikan sekali saja.",
        "en": "The parameter {name} is given {count} times; give it once.",
    },
    "encoding": {
        "id": "Query string bukan UTF-8 yang sah setelah didekode dari persen-encoding.",
        "en": "The query string is not valid UTF-8 once percent-decoded.",
    },
    "outdated": {
        "id": "Build yang dilayani dibuat sebelum adanya indeks pelengkapan; jalankan "
        "`malang-kg build` lagi.",
        "en": "The build being served predates the completion index; run `malang-kg build` again.",
    },
}
