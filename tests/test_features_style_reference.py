"""features/style.py against a per-record reference written from its docstrings: the member's own
prose (headline, about, position descriptions), words split at white space, stock phrases and
specifics per 100 words of texts of 20 words or more, sentence lengths of the body, repeated word
3-grams, shared long words, the note's stock phrases, buzzword employers and career countries."""

from __future__ import annotations

import math
import random
import re
import statistics

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from fakeprofile.features import style
from fakeprofile.features.frame import to_table
from fakeprofile.synth.generate import GenConfig, make_profile

NAN = float("nan")


_COUNTS: dict[tuple[str, str], int] = {}


def count(pattern: str, text: str) -> int:
    """Matches of an RE2 pattern (Arrow's engine, as the features use) in one text."""
    if (pattern, text) not in _COUNTS:
        _COUNTS[pattern, text] = pc.count_substring_regex(pa.array([text]), pattern)[0].as_py()
    return _COUNTS[pattern, text]


def count_all(pattern: str, texts: list[str]) -> None:
    """count's answers for many texts in one call (the stock-phrase pattern is large: compiled
    once, not per text)."""
    found = pc.count_substring_regex(pa.array(texts, pa.string()), pattern).to_pylist()
    _COUNTS.update(((pattern, t), c) for t, c in zip(texts, found, strict=True))


def div(a: float, b: float) -> float:
    return a / b if b else NAN


def long_words(text: str) -> set[str]:
    return {w for w in re.sub(r"[^\w]|[\d_]", " ", text.lower()).split() if len(w) >= 6}


def reference(r: dict) -> dict[str, float]:
    head, about = r.get("headline") or "", r.get("about") or ""
    positions = r.get("experience") or []
    duties = ". ".join(p.get("description") or "" for p in positions)
    written = "\n".join([head, about, duties])
    words = written.lower().split()
    n = len(words)
    enough = n >= 20
    generic = count(style._GENERIC, written.lower()) if enough else 0
    specific = count(style._SPECIFIC, written) if enough else 0
    out = {
        "style_generic_per_100_words": 100 * generic / n if enough else NAN,
        "style_specifics_per_100_words": 100 * specific / n if enough else NAN,
        "style_generic_share": div(generic, generic + specific) if enough else NAN,
    }
    # Sentences of the body (the words after the headline's): each ends with a word ending in
    # . ! or ?, or with the text.
    body = words[len(head.split()) :]
    lengths, run = [], 0
    for w in body:
        run += 1
        if w[-1] in ".!?":
            lengths.append(run)
            run = 0
    lengths += [run] if run else []
    out["style_sentence_length_cv"] = (
        statistics.pstdev(lengths) / statistics.mean(lengths) if len(lengths) >= 3 else NAN
    )
    grams = list(zip(words, words[1:], words[2:], strict=False))
    out["style_repeated_phrasing"] = (
        (len(grams) - len(set(grams))) / len(grams) if len(grams) >= 6 else NAN
    )
    a, rest = long_words(about), long_words(head + "\n" + duties)
    out["style_shared_words"] = (
        len(a & rest) / len(a | rest) if r.get("headline") is not None and a and rest else NAN
    )
    note = (r.get("invitation") or {}).get("message") or ""
    out["style_note_generic"] = count(style._NOTE_GENERIC, note) if note else NAN
    named = [p["company"] for p in positions if (p.get("company") or "").strip()]
    invented = [c for c in named if count(style._INVENTED, c)]
    out["profile_employers_invented"] = div(len(invented), len(named))
    table = style.city_countries()

    def country(place: str | None) -> str | None:
        return table.get(place.split(",")[0].strip().lower()) if place else None

    home = country(r.get("location"))
    where = [country(p.get("location")) for p in positions]
    known = {c for c in [*where, home] if c is not None}
    out["profile_career_countries"] = float(len(known)) if known else NAN
    judged = [c for c in where if c is not None and home is not None]
    out["profile_positions_abroad"] = div(sum(c != home for c in judged), len(judged))
    return out


def edge_records() -> list[dict]:
    """Hand-made shapes: no headline, no experience at all, empty lists, an empty note,
    invented employers, cities in three countries."""
    about = (
        "Passionate results-driven professional. I leverage synergies! I drive innovation? "
        "In a fast-paced dynamic environment, every single day, with passion and purpose."
    )
    return [
        {"profile_id": "e0"},
        {"profile_id": "e1", "headline": "Data engineer", "about": about},
        {"profile_id": "e2", "about": about, "experience": []},
        {
            "profile_id": "e3",
            "headline": "Innovation leader",
            "about": about,
            "location": "Copenhagen, Denmark",
            "invitation": {"message": ""},
            "experience": [
                {"title": "CEO", "company": "Synergy Solutions", "location": "Berlin"},
                {"title": "CTO", "company": "Novo Nordisk", "location": "Stockholm, Sweden"},
                {"title": "Lead", "company": "  ", "location": "Nowhere-on-sea"},
                {"title": "Dev", "description": about},
            ],
        },
        {
            "profile_id": "e4",
            "headline": "Chef",
            "about": "word " * 30,
            "location": "Aarhus",
            "invitation": {"message": "I came across your profile and would love to connect"},
            "experience": [{"title": "Chef", "location": "Odense"}],
        },
    ]


@pytest.fixture(scope="module")
def records() -> list[dict]:
    cfg = GenConfig(n=6000, with_photos=False)
    generated = [make_profile(i, cfg)[0] for i in range(0, 6000, 30)]  # every archetype
    out = generated + edge_records()
    random.Random(26).shuffle(out)
    return out


def test_style_features_equal_the_reference(records):
    got = style.compute(to_table(records))
    prose = []
    for r in records:
        duties = ". ".join(p.get("description") or "" for p in r.get("experience") or [])
        prose.append("\n".join([r.get("headline") or "", r.get("about") or "", duties]))
    count_all(style._GENERIC, [p.lower() for p in prose])
    count_all(style._SPECIFIC, prose)
    count_all(
        style._NOTE_GENERIC, [(r.get("invitation") or {}).get("message") or "" for r in records]
    )
    companies = [p.get("company") or "" for r in records for p in r.get("experience") or []]
    count_all(style._INVENTED, companies)
    want_rows = [reference(r) for r in records]
    for name in got.columns:
        want = np.array([w[name] for w in want_rows], dtype=np.float64)
        np.testing.assert_allclose(got[name].to_numpy(), want, rtol=1e-12, err_msg=name)


def test_a_profile_without_an_experience_section_is_still_read():
    """Headline and about alone are the member's prose: a missing experience list adds no
    words, and takes none away."""
    e1 = edge_records()[1]
    with_empty = {**e1, "experience": []}
    got = style.compute(to_table([e1, with_empty]))
    assert got.iloc[0].equals(got.iloc[1])
    assert not math.isnan(got.iloc[0]["style_generic_per_100_words"])


def repeated_reference(rows: list[list[str]]) -> list[float]:
    """Per text: (3-grams - distinct 3-grams) / 3-grams, NaN under 6 of them."""
    out = []
    for words in rows:
        grams = list(zip(words, words[1:], words[2:], strict=False))
        out.append((len(grams) - len(set(grams))) / len(grams) if len(grams) >= 6 else NAN)
    return out


@pytest.mark.parametrize("vocabulary", [50, 120_000], ids=["small", "large"])
def test_repeated_phrasing_of_a_small_and_a_large_vocabulary(vocabulary):
    """Both ways of counting distinct 3-grams per row: codes packed with the row where they fit
    in 62 bits (a small vocabulary), else the 3-grams numbered first (a large one)."""
    rng = random.Random(26)
    pool = [f"w{k}" for k in range(vocabulary)]
    rows = []
    for i in range(6_000):
        if i % 3 == 0:  # a phrase told twice
            phrase = rng.sample(pool, 4)
            rows.append(phrase + rng.sample(pool, 3) + phrase)
        else:
            rows.append(rng.sample(pool, rng.randint(0, 12)))
    words = pa.array([w for r in rows for w in r])
    parents = np.repeat(np.arange(len(rows)), [len(r) for r in rows])
    n = 200_000  # rows after these have no words (NaN): a large n takes the other branch too
    v = len(set(words.to_pylist()))
    assert (n * v**3 >= 2**62) == (vocabulary > 1000)  # the branch this case takes
    got = style._repeated_share(words, parents, n)
    want = repeated_reference(rows) + [NAN] * (n - len(rows))
    np.testing.assert_allclose(got, want, rtol=1e-12)
