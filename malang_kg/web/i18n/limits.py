"""The texts of fair use (the query-time budget and the cap on failing queries), in Indonesian
and English."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "budget_spent": {
        "id": "Jatah waktu kueri untuk {client} sudah habis: setiap klien boleh memakai {budget} "
        "detik waktu kueri per menit. Coba lagi dalam {seconds} detik.",
        "en": "The query-time budget of {client} is spent: each client may use {budget} s of "
        "query time a minute. Try again in {seconds} s.",
    },
    "errors_spent": {
        "id": "Terlalu banyak kueri gagal dari {client}: paling banyak {errors} per menit. "
        "Coba lagi dalam {seconds} detik.",
        "en": "Too many failing queries from {client}: at most {errors} a minute. Try again in "
        "{seconds} s.",
    },
    "rate_limited": {
        "id": "Terlalu banyak permintaan dari {client}: kueri, tautan pendek, API, dan "
        "rekonsiliasi bersama-sama boleh {amount} permintaan per {window} detik per klien. "
        "Coba lagi dalam {seconds} detik.",
        "en": "Too many requests from {client}: queries, short links, the API and "
        "reconciliation together allow {amount} requests per {window} s per client. "
        "Try again in {seconds} s.",
    },
}
