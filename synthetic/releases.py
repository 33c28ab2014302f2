"""One synthetic press release and every fact it states, each pointing to its sentence.

A release (``mk:PressRelease`` whose ``schema:articleBody`` quotes every ``mk:Sentence``
verbatim) tells of a morning assembly where a speaker hands over awards: the speaker and their
post, award competitions and their awards (organiser = conferrer, category, rank 1-3 with the
matching placing, recipient, year, evidence), winning works, quotations, a statistical claim
and a few ``owl:Axiom`` annotations. Every draw comes from one generator seeded by the seed and
the release's number, in a fixed order, so the output is reproducible.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from synthetic.shared import Shared
from synthetic.turtle import (
    CATEGORIES,
    EPOCH,
    FAMILY,
    GIVEN,
    RANK_TITLES,
    TOPICS,
    Kelurahan,
    Org,
    Turtle,
    labels,
    lit,
    typed,
)


@dataclass
class _Release:
    """The release being written: its setting (drawn first) and the text written so far."""

    out: Turtle
    rng: random.Random
    shared: Shared
    key: str
    day: date
    hall: Org
    area: Kelurahan
    speaker: str
    agency: Org
    sentences: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, out: Turtle, number: int, seed: int, shared: Shared) -> _Release:
        rng = random.Random(f"malang-kg-synth:{seed}:{number}")
        hall, area = rng.choice(shared.halls)
        speaker = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
        agency = rng.choice(shared.agencies)
        day = EPOCH + timedelta(days=number * 2 // 5)
        return cls(out, rng, shared, f"{number:06d}", day, hall, area, speaker, agency)

    @property
    def year(self) -> str:
        return str(self.day.year)

    @property
    def article(self) -> str:
        return f"sa:{self.key}"

    @property
    def person(self) -> str:
        return f"sp:{self.key}-1"

    @property
    def derived(self) -> tuple[str, str]:
        return ("prov:wasDerivedFrom", self.article)

    def sentence(self, text: str) -> str:
        """Add a sentence to the body; return its term."""
        self.sentences.append(text)
        self.body.append(text)
        return f"ss:{self.key}-{len(self.sentences)}"


@dataclass(frozen=True)
class _Competition:
    code: str
    name: str
    organiser: Org
    titles: dict[int, str]

    @property
    def event(self) -> str:
        return f"se:{self.code}"


@dataclass(frozen=True)
class _Win:
    category: str
    rank: int
    recipient: Org
    work: str  # the winning video's quoted title, or ""


def write_release(out: Turtle, number: int, seed: int, shared: Shared) -> None:
    """One synthetic press release and every fact it states, each pointing to its sentence."""
    release = _Release.start(out, number, seed, shared)
    day = release.day
    when = f"{day:%A} ({day.day}/{day.month}/{day.year})"
    opening = release.sentence(
        f"{release.area.name} (synthetic.invalid) - At the morning assembly in the "
        f"{release.hall.name}, {when}, {release.speaker}, head of the {release.agency.name}, "
        "handed over the awards won by groups of the city."
    )
    _write_speaker(release, opening)
    awards: list[str] = []
    for competition in range(release.rng.choice((1, 1, 2))):
        awards += _write_competition(release, competition + 1)
    _write_assembly(release, awards, opening)
    _write_quotations(release)
    _write_claim(release)
    _write_article(release)


def _write_speaker(release: _Release, opening: str) -> None:
    """The speaker and the post they hold, head of their agency."""
    speaker, agency = release.speaker, release.agency
    release.out.entity(
        release.person,
        ["mk:Person"],
        [
            ("schema:name", lit(f"{speaker} (sintetis)")),
            *labels(speaker, speaker),
            ("mk:evidence", opening),
            release.derived,
        ],
    )
    release.out.entity(
        f"spo:{release.key}-1",
        ["mk:Post"],
        [
            *labels(
                f"Kepala Dinas Sintetis {agency.term[-3:]} ({speaker})", f"Head of {agency.name}"
            ),
            ("mk:headPostIn", agency.term),
            ("org:heldBy", release.person),
            ("mk:attestedOn", typed(release.day.isoformat(), "date")),
            ("mk:evidence", opening),
            release.derived,
        ],
    )


def _write_competition(release: _Release, number: int) -> list[str]:
    """One award competition, the sentence telling its winners, and its awards."""
    rng = release.rng
    code = f"{release.key}-{number}"
    organiser = rng.choice([a for a in release.shared.agencies if a != release.agency])
    winners = rng.sample(sorted(CATEGORIES), rng.choice((1, 2, 2, 3)))
    competition = _Competition(
        code, f"Synthetic Award {code} {release.year}", organiser, rng.choice(RANK_TITLES)
    )
    wins = [_draw_win(release, code, category) for category in winners]
    said = release.sentence(
        f"At the {competition.name} event organised by the {organiser.name}, "
        + ", and ".join(_clause(win, competition.titles) for win in wins)
        + "."
    )
    release.out.entity(
        competition.event,
        ["mk:AwardCompetition"],
        [
            *labels(f"Anugerah Sintetis {code} {release.year}", competition.name),
            ("mk:year", typed(release.year, "gYear")),
            ("mk:organizer", organiser.term),
            ("mk:evidence", said),
            release.derived,
        ],
    )
    return [
        _write_award(release, competition, index + 1, win, said) for index, win in enumerate(wins)
    ]


def _draw_win(release: _Release, code: str, category: str) -> _Win:
    rng = release.rng
    rank = rng.choice((1, 2, 3))
    recipient, _ = rng.choice(release.shared.kims)
    if rng.random() < 0.3:
        recipient = release.agency
    work = f"'Synthetic Video {code}-{category[:4]}'" if rng.random() < 0.3 else ""
    return _Win(category, rank, recipient, work)


def _clause(win: _Win, titles: dict[int, str]) -> str:
    clause = (
        f"{win.recipient.name} won {titles[win.rank]} in the {CATEGORIES[win.category]} category"
    )
    return clause + (f" with a video entitled {win.work}" if win.work else "")


def _write_award(
    release: _Release, competition: _Competition, index: int, win: _Win, said: str
) -> str:
    """One award of the competition (and its winning work, if any); return its term."""
    award = f"saw:{competition.code}-{index}"
    title = competition.titles[win.rank]
    pairs = [
        *labels(
            f"Peringkat {win.rank} {win.category}, {competition.name}",
            f"{title}, {CATEGORIES[win.category]}, {competition.name}",
        ),
        ("mk:atEvent", competition.event),
        ("mk:conferredBy", competition.organiser.term),
        ("mk:category", f"category:{win.category}"),
        ("mk:rank", str(win.rank)),
        ("mk:placing", f"rank:{win.rank}"),
        ("mk:rankTitle", lit(title, "en")),
        ("mk:year", typed(release.year, "gYear")),
        ("mk:recipient", win.recipient.term),
    ]
    if release.rng.random() < 0.5:
        pairs.append(("mk:level", "level:diskominfo-kabupaten-kota"))
    if win.work:
        video = f"sw:{competition.code}-{index}"
        pairs.append(("mk:winningWork", video))
        _write_work(release, award, video, win.work.strip("'"), said)
    release.out.entity(award, ["mk:Award"], [*pairs, ("mk:evidence", said), release.derived])
    return award


def _write_work(release: _Release, award: str, video: str, title: str, said: str) -> None:
    """The winning video, and sometimes an annotation of the award's ``mk:winningWork``."""
    release.out.entity(
        video,
        ["mk:Video"],
        [
            ("schema:name", lit(title + " (synthetic)")),
            *labels(title, title),
            ("mk:evidence", said),
            release.derived,
        ],
    )
    if release.rng.random() < 0.5:
        release.out.entity(
            "[]",
            ["owl:Axiom"],
            [
                ("owl:annotatedSource", award),
                ("owl:annotatedProperty", "mk:winningWork"),
                ("owl:annotatedTarget", video),
                ("mk:confidence", "confidence:medium-high"),
                release.derived,
                ("rdfs:comment", lit("Synthetic annotation.", "en")),
            ],
        )


def _write_assembly(release: _Release, awards: list[str], opening: str) -> None:
    day = release.day
    release.out.entity(
        f"se:{release.key}-assembly",
        ["mk:Assembly"],
        [
            *labels(f"Apel pagi sintetis {day.isoformat()}", f"Synthetic morning assembly {day}"),
            ("schema:startDate", typed(day.isoformat(), "date")),
            ("mk:venue", release.hall.term),
            ("mk:handedOverBy", release.person),
            *[("mk:awardHandedOver", award) for award in awards],
            ("mk:evidence", opening),
            release.derived,
        ],
    )


def _write_quotations(release: _Release) -> None:
    """None to two quotations of the speaker; they are in the body but are not sentences."""
    rng, key, speaker = release.rng, release.key, release.speaker
    topic = rng.choice(TOPICS)
    for count in range(rng.choice((0, 1, 1, 2))):
        quote = (
            f"We keep working on {topic} together with the KIM of {release.area.name}. "
            f"This is quote {count + 1} of release {key}, and it is synthetic"
        )
        release.body.append(f'"{quote}," said {speaker}.')
        kim, _ = rng.choice(release.shared.kims)
        release.out.entity(
            f"sq:{key}-{count + 1}",
            ["mk:Quotation"],
            [
                *labels(f"Kutipan {speaker} tentang {topic}", f"{speaker} on {topic}"),
                ("schema:text", lit(quote, "en")),
                ("schema:about", kim.term),
                ("mk:statedBy", release.person),
                release.derived,
            ],
        )


def _write_claim(release: _Release) -> None:
    """Sometimes, the speaker's count of the KIMs in the area."""
    rng, area = release.rng, release.area
    if rng.random() >= 0.6:
        return
    value = rng.randint(1, 12)
    approximate = rng.random() < 0.3
    stated = f"{'about ' if approximate else ''}{value} KIM"
    said = release.sentence(f"{release.speaker} added that there are now {stated} in {area.name}.")
    release.out.entity(
        f"sc:{release.key}",
        ["mk:StatisticalClaim"],
        [
            *labels(
                f"Jumlah KIM di {area.name}: {value}", f"Number of KIM in {area.name}: {value}"
            ),
            ("mk:measure", "measure:kim-count"),
            ("mk:value", str(value)),
            ("mk:approximate", "true" if approximate else "false"),
            ("mk:statedAs", lit(stated, "en")),
            ("mk:asOf", typed(release.day.isoformat(), "date")),
            ("mk:aboutArea", f"<{area.iri}>"),
            ("mk:statedBy", release.person),
            ("mk:evidence", said),
            release.derived,
        ],
    )


def _write_article(release: _Release) -> None:
    """The sentences, then the press release whose body quotes them."""
    key, article = release.key, release.article
    for index, text in enumerate(release.sentences):
        release.out.entity(
            f"ss:{key}-{index + 1}",
            ["mk:Sentence"],
            [
                ("oa:hasSource", article),
                ("oa:hasSelector", f"[ a oa:TextQuoteSelector ; oa:exact {lit(text)} ]"),
            ],
            nested=2,
        )
    initials = "".join(release.rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(3))
    release.out.entity(
        article,
        ["mk:PressRelease", "schema:NewsArticle"],
        [
            *labels(f"Siaran pers sintetis {key}", f"Synthetic press release {key}"),
            (
                "schema:headline",
                lit(f"Synthetic release {key}: awards for {release.area.name}", "en"),
            ),
            ("schema:datePublished", typed(release.day.isoformat(), "date")),
            ("schema:url", f"<https://synthetic.invalid/malang-kg/{key}>"),
            ("schema:publisher", release.shared.government.term),
            ("schema:dateline", lit(release.area.name)),
            ("schema:inLanguage", lit("en")),
            ("mk:writerInitials", lit(initials)),
            ("schema:articleBody", lit("\n".join(release.body), "en")),
            (
                "rdfs:comment",
                lit("Synthetic press release made by `malang-kg synth`; not a fact.", "en"),
            ),
        ],
    )
