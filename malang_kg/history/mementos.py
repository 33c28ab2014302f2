"""Past versions of an entity, as Memento (RFC 7089) sees them: each build that created or changed
the entity made a version of it, valid until its next change. An entity's data URL is its own
TimeGate (``Accept-Datetime`` picks the version then valid); each version is a Memento; the
TimeMap lists them all in ``application/link-format``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from malang_kg.history.records import Change

LINK_FORMAT = "application/link-format"


def moment(iso: str) -> datetime:
    """A build's creation time (ISO 8601, as the manifest has it) as an aware datetime."""
    found = datetime.fromisoformat(iso)
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def http_date(iso: str) -> str:
    """RFC 7231's date, as ``Memento-Datetime`` and the TimeMap's ``datetime`` write it."""
    return format_datetime(moment(iso).astimezone(UTC), usegmt=True)


def versions(changes: Sequence[Change]) -> list[Change]:
    """The entity's versions (its creates and updates), oldest first."""
    return [change for change in changes if change.kind != "delete"]


@dataclass(frozen=True)
class Chosen:
    """The version a TimeGate sends a client to, and whether the entity had been removed by the
    time asked for (then the version is its last one)."""

    version: Change
    removed: Change | None = None


def valid_at(changes: Sequence[Change], when: datetime) -> Chosen | None:
    """The version valid at ``when``: the last one made by then (its last before a removal), or,
    asked for a time before the entity existed, its first. None: it never had a version."""
    kept = versions(changes)
    if not kept:
        return None
    chosen: Change | None = None
    removed: Change | None = None
    for change in changes:
        if moment(change.build.created) > when:
            break
        if change.kind == "delete":
            removed = change
        else:
            chosen, removed = change, None
    return Chosen(chosen or kept[0], removed)


def removal(changes: Sequence[Change], version: Change) -> Change | None:
    """The change that removed the entity after ``version``, if that was its next change."""
    later = [c for c in changes if c.build.seq > version.build.seq]
    return later[0] if later and later[0].kind == "delete" else None


def timemap(original: str, timegate: str, itself: str, memento: str, kept: list[Change]) -> str:
    """The TimeMap (link-format): the original, its TimeGate, this map, and each version's URL
    (``memento`` with ``{build}`` in it) with its datetime."""
    span = ""
    if kept:
        first, last = http_date(kept[0].build.created), http_date(kept[-1].build.created)
        span = f'; from="{first}"; until="{last}"'
    lines = [
        f'<{original}>; rel="original"',
        f'<{timegate}>; rel="timegate"',
        f'<{itself}>; rel="self"; type="{LINK_FORMAT}"{span}',
    ]
    for index, change in enumerate(kept):
        rel = " ".join(
            word
            for word, wanted in (("first", index == 0), ("last", index == len(kept) - 1))
            if wanted
        )
        rel = f"{rel} memento".strip()
        url = memento.replace("{build}", change.build.build_id)
        lines.append(f'<{url}>; rel="{rel}"; datetime="{http_date(change.build.created)}"')
    return ",\n".join(lines) + "\n"
