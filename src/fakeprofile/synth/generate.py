"""The embedded default data set: realistic, multilingual, labelled profiles with photos.

Each profile is a pure function of (seed, index), so the output is reproducible byte for byte and can
be streamed to disk at any size. The mix of member and fake archetypes is set so that no single sign
separates the classes, the way it is on the real network:

Genuine members (75% by default)
  active 35%: full profile, own photo, posts now and then, personal or blank invitation notes.
  passive 30%: decent profile, no activity at all, few connections, mostly blank notes.
  newcomer 12%: young account, thin profile, often no photo or the placeholder avatar.
  non_native 8%: writes with 4-12% spelling errors, often in English.
  heavy_poster 7%: many posts, many followers.
  recruiter 8%: sends many invitations with canned or sales-like notes (looks like a spammer).
Fakes (25% by default)
  sales_mass_inviter 22%: pitch or canned notes, hundreds of invitations a week.
  bulk_created 16%: no photo or placeholder, empty sections, random-ish names, typos.
  romance_investment_scam 16%: reused stock photos (rings), vague senior titles, WhatsApp bait.
  careful_fake 36%: full, well-written profile; tells are a young account, no activity history,
    few mutual connections and sometimes a reused photo.
  job_seeker_spam 10%: begging notes, many typos, many invitations.
Two more kinds are made from those (DERIVED_KINDS), each from its own random stream:
  machine_written (~17% of fakes: 35% of careful fakes, 30% of romance scams): polished, generic,
    error-free text in the style of a language model (written by hand, see synth/machine.py),
    employers made of buzzwords, a career over several countries.
  hijacked_account (~4% of fakes: the careful fakes three years or older among another 25%): a
    genuine member's account taken over, three years or older, that sends a pitch or asks to move
    to WhatsApp or Telegram: the note is the only tell.
  one_tell (~13% of fakes, ~3% of profiles: another 35% of careful fakes): an established,
    active, complete profile with a personal note and exactly one seed red flag (TELLS: no photo,
    thin, misspelled, no activity, blank or canned note, a link, mass inviting, a new account, a
    pitch, WhatsApp bait, in the profile's language), so each flag alone is learnt. Careful fakes
    are the largest base kind so that each of the 11 tells is shown alone on some 55 of 20,000
    profiles (issue 23).
  A note's red flag (NOTE_TELLS: a link, a pitch, bait) and a hijacked account's note are put on
  a genuine member's twin (`_twinned`: a member of GENUINE_KINDS drawn from its own random
  stream), not on the careful fake: honest members' notes practically never carry them, so the
  note alone must tell, whatever the rest of the profile (a careful fake's young account or thin
  network would otherwise explain the label). The profile's own tells, which many honest members
  show, stay on the careful fake. Every other generated profile is as before.
A fifth of the fakes' pitch and bait notes disguise a key word (zero-width space, Cyrillic
look-alike letters, spaced-out letters). About 1% of labels are wrong on top (label noise), as
in any human-labelled set: 1% of honest members were reported and labelled fake, 0.4% of fakes
passed review as genuine. (At 2.5% the wrong labels alone made up some 2.5% of the accepted, so
the 3% target on fakes among the accepted measured the noise, not the model.) (Symmetric noise
would cap the precision any model can show on "report" at about 0.98, below the 0.99 target.)
"""

from __future__ import annotations

import gzip
import json
import random
import string
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fakeprofile import interrupt
from fakeprofile.data.io import atomic_path
from fakeprofile.synth import machine, photos
from fakeprofile.synth.lexicon import FAKE_FIRST, FAKE_LAST, LANGUAGE_WEIGHTS, LEX

GENUINE_KINDS = {
    "active": 0.35,
    "passive": 0.30,
    "newcomer": 0.12,
    "non_native": 0.08,
    "heavy_poster": 0.07,
    "recruiter": 0.08,
}
FAKE_KINDS = {
    "sales_mass_inviter": 0.22,
    "bulk_created": 0.16,
    "romance_investment_scam": 0.16,
    "careful_fake": 0.36,
    "job_seeker_spam": 0.10,
}
# Kinds made from others after the fact (from their own random stream, so every other generated
# value, photo rings and the split included, stays as it was): kind -> (made from, share of it).
DERIVED_KINDS = {
    "machine_written": {"careful_fake": 0.35, "romance_investment_scam": 0.30},
    "hijacked_account": {"careful_fake": 0.25},
    "one_tell": {"careful_fake": 0.35},
}
# The derived kinds made from a genuine member's twin (see _twinned): kind -> the members' kinds
# it is made from. A one_tell is an established, active member; any established member's account
# can be taken over.
TWINNED = {
    "one_tell": {"active": 0.8, "heavy_poster": 0.2},
    "hijacked_account": {k: w for k, w in GENUINE_KINDS.items() if k != "newcomer"},
}
# The single red flag a `one_tell` fake shows on an otherwise established, active, complete profile.
# The note's tells, which honest members' notes practically never show, are put on a genuine
# member's twin (TWINNED), so the note alone tells; the profile's own tells, which many honest
# members show (no photo, a quiet or young account, typos, many invitations), on a careful fake.
NOTE_TELLS = ("link", "pitch", "bait")
TELLS = (
    "no_photo",
    "thin",
    "misspelled",
    "no_activity",
    "blank_note",
    "canned_note",
    "link",
    "mass_inviting",
    "new_account",
    "pitch",
    "bait",
)


@dataclass(frozen=True)
class GenConfig:
    """Parameters of `fakeprofile generate` (the `generate:` section of params.yaml)."""

    n: int = 20_000
    seed: int = 42
    fake_share: float = 0.25
    noise_genuine: float = 0.01  # honest members wrongly labelled fake (over-eager reports)
    noise_fake: float = 0.004  # fakes that passed review and are labelled genuine
    reference_date: date = date(2026, 6, 30)
    photo_min_px: int = 200
    photo_max_px: int = 400
    stock_pool: int = 60
    with_photos: bool = True
    workers: int = 2


# --- small helpers ------------------------------------------------------------------------------


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _typo(word: str, rng: random.Random) -> str:
    """One realistic typing error: swapped, dropped, doubled or substituted letter."""
    if len(word) < 3:
        return word + rng.choice("aeiou")
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    letters = "abcdefghijklmnoprstuvy"
    return word[:i] + rng.choice([c for c in letters if c != word[i]]) + word[i + 1 :]


def misspell(text: str, rate: float, rng: random.Random) -> str:
    """Replace about `rate` of the alphabetic words of `text` with typos."""
    if rate <= 0 or not text:
        return text
    out = []
    for tok in text.split(" "):
        core = tok.strip(".,!?:;()'\"")
        if core.isalpha() and len(core) > 2 and rng.random() < rate:
            tok = tok.replace(core, _typo(core, rng), 1)
        out.append(tok)
    return " ".join(out)


LOOKALIKES = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "i": "і"}  # Cyrillic


LEET = str.maketrans("aeiostAEIOST", "431057431057")


def evade(text: str, rng: random.Random) -> str:
    """Disguise the words filters look for, the way spammers do: an invisible character inside
    (zero-width space, word joiner, Hangul filler, a tag character), look-alike Cyrillic letters,
    fullwidth letters, leetspeak, or letters spaced out or split by separators."""
    words = text.split(" ")
    targets = [
        i
        for i, w in enumerate(words)
        if w.strip(".,!?:").lower()
        in (
            "whatsapp",
            "telegram",
            "gratis",
            "free",
            "invest",
            "investment",
            "demo",
            "e-mail",
            "mail",
            "mejl",
            "e-post",
        )
    ] or [rng.randrange(len(words))]
    i = rng.choice(targets)
    w = words[i]
    trick = rng.randrange(8)
    if trick == 0 and len(w) > 2:
        words[i] = w[: len(w) // 2] + "\u200b" + w[len(w) // 2 :]
    elif trick == 1:
        words[i] = "".join(LOOKALIKES.get(ch, ch) if k % 2 == 0 else ch for k, ch in enumerate(w))
    elif trick == 2:
        words[i] = " ".join(w)
    elif trick == 3 and len(w) > 2:
        hidden = rng.choice(["\u2066", "\u3164", "\U000e0041", "\u034f", "\u2060"])
        words[i] = w[: len(w) // 2] + hidden + w[len(w) // 2 :]
    elif trick == 4:
        words[i] = "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in w)
    elif trick == 5:
        words[i] = w.translate(LEET)
    else:
        words[i] = rng.choice("-_.*").join(w)
    return " ".join(words)


def _fill(template: str, slots: dict[str, str]) -> str:
    return template.format_map(slots)


def _phone(rng: random.Random) -> str:
    cc = rng.choice(["+44", "+45", "+46", "+47", "+31", "+49", "+1", "+234", "+971"])
    return f"{cc} {rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"


def _days(rng: random.Random, lo_years: float, hi_years: float) -> int:
    return int(rng.uniform(lo_years, hi_years) * 365.25)


# --- one profile --------------------------------------------------------------------------------


@dataclass
class _Ctx:
    rng: random.Random
    lang: str
    lex: dict[str, list[str]]
    slots: dict[str, str]
    ref: date


def _slots(
    rng: random.Random, lex: dict[str, list[str]], title: str, company: str
) -> dict[str, str]:
    skills = rng.sample(lex["skill"], 2)
    return {
        "title": title,
        "company": company,
        "city": rng.choice(lex["city"]),
        "years": str(rng.randint(2, 25)),
        "field": rng.choice(lex["field"]),
        "school": rng.choice(lex["school"]),
        "skill": skills[0],
        "skill2": skills[1],
        "rname": rng.choice(lex["first_f"] + lex["first_m"]),
        "event": rng.choice(lex["event"]),
        "phone": _phone(rng),
        "url": "https://bit.ly/" + "".join(rng.choices(string.ascii_letters, k=7)),
        "email": "",
    }


def _experience(c: _Ctx, n: int, career_years: float, fake: bool) -> list[dict[str, Any]]:
    """`n` positions, newest first, with consistent dates (fakes sometimes overlap them)."""
    rng, out = c.rng, []
    end: date | None = None
    cursor = c.ref
    span = max(career_years, 0.5) / max(n, 1)
    for k in range(n):
        length = timedelta(days=_days(rng, 0.4 * span, 1.0 * span) + 60)
        start = cursor - length
        title = c.slots["title"] if k == 0 else rng.choice(c.lex["title"])
        company = c.slots["company"] if k == 0 else rng.choice(c.lex["company"])
        duty = _fill(rng.choice(c.lex["duty"]), {**c.slots, "skill": rng.choice(c.lex["skill"])})
        out.append(
            {
                "title": title,
                "company": company,
                "location": rng.choice(c.lex["city"]),
                "start": start.isoformat(),
                "end": end.isoformat() if end else None,
                "description": duty if rng.random() < 0.7 else None,
            }
        )
        end = start - timedelta(days=rng.randint(0, 90))
        # Concurrent positions: side jobs and board seats for members, invented careers for fakes.
        if rng.random() < (0.25 if fake else 0.12):
            end = start + timedelta(days=rng.randint(60, 400))
        cursor = min(end, start)
    return out


def _education(c: _Ctx, career_years: float) -> list[dict[str, Any]]:
    rng = c.rng
    grad = c.ref - timedelta(days=int(career_years * 365.25) + rng.randint(0, 200))
    start = grad - timedelta(days=_days(rng, 3, 5))
    return [
        {
            "school": rng.choice(c.lex["school"]),
            "degree": rng.choice(c.lex["degree"]),
            "field": rng.choice(c.lex["field"]),
            "start": start.isoformat(),
            "end": grad.isoformat(),
            "description": None,
        }
    ]


def _about(c: _Ctx, k: int, key: str = "about") -> str:
    sentences = c.rng.sample(c.lex[key], min(k, len(c.lex[key])))
    return " ".join(_fill(s, c.slots) for s in sentences)


def _note(c: _Ctx, kind: str) -> str | None:
    return None if kind == "blank" else _fill(c.rng.choice(c.lex[f"note_{kind}"]), c.slots)


def _activity(rng: random.Random, level: str) -> dict[str, Any] | None:
    if rng.random() < 0.06:  # some sources have no activity data at all: missing, not zero
        return None
    scale = {"none": 0.0, "low": 0.3, "mid": 1.5, "high": 8.0}[level]
    window = 90 if rng.random() < 0.85 else None
    mult = 1.0 if window else 6.0

    def cnt(base: float) -> int:
        return int(rng.expovariate(1.0) * base * scale * mult) if scale else 0

    return {
        "posts": cnt(3),
        "articles": cnt(0.2),
        "comments": cnt(6),
        "reactions": cnt(25),
        "shares": cnt(2),
        "window_days": window,
    }


def _photo_plan(rng: random.Random, kind: str, cfg: GenConfig) -> tuple[str, int | None]:
    """('portrait'|'stock'|'placeholder'|'none', stock index) for one profile."""
    p = {
        "active": (0.92, 0.02, 0.01),
        "passive": (0.72, 0.08, 0.01),
        "newcomer": (0.40, 0.25, 0.0),
        "non_native": (0.80, 0.06, 0.02),
        "heavy_poster": (0.97, 0.0, 0.01),
        "recruiter": (0.92, 0.02, 0.02),
        "sales_mass_inviter": (0.55, 0.10, 0.25),
        "bulk_created": (0.10, 0.40, 0.05),
        "romance_investment_scam": (0.08, 0.02, 0.88),
        "careful_fake": (0.55, 0.02, 0.38),
        "job_seeker_spam": (0.45, 0.20, 0.10),
    }[kind]
    r = rng.random()
    if r < p[0]:
        return "portrait", None
    if r < p[0] + p[1]:
        return "placeholder", None
    if r < p[0] + p[1] + p[2]:
        # Rings: some pictures are more popular with scammers than others (Zipf-like reuse, flat
        # enough that no single ring dwarfs the rest).
        weights = [1.0 / (k + 1) ** 0.8 for k in range(cfg.stock_pool)]
        idx = rng.choices(range(cfg.stock_pool), weights=weights)[0]
        return "stock", idx
    return "none", None


def make_profile(
    i: int, cfg: GenConfig, member: str | None = None
) -> tuple[dict[str, Any], tuple | None]:
    """Profile number `i`: the JSON record and the spec of its photo (None for no photo). With
    `member` (a GENUINE_KINDS kind), a genuine member of that kind drawn from its own random
    stream: the twin a `one_tell` or hijacked fake is made from."""
    rng = random.Random(f"{cfg.seed}:{i}" if member is None else f"{cfg.seed}:{i}:twin:{member}")
    fake = rng.random() < cfg.fake_share
    kind = _pick(rng, FAKE_KINDS if fake else GENUINE_KINDS)
    if member is not None:
        fake, kind = False, member
    english_bias = {"romance_investment_scam": 0.7, "job_seeker_spam": 0.6, "non_native": 0.5}
    lang = "en" if rng.random() < english_bias.get(kind, 0.0) else _pick(rng, LANGUAGE_WEIGHTS)
    lex = LEX[lang]
    ref = cfg.reference_date
    female = rng.random() < 0.5
    pid = f"p{i:08d}"

    title = rng.choice(lex["fake_title"] if kind == "romance_investment_scam" else lex["title"])
    company = rng.choice(lex["company"])
    c = _Ctx(rng, lang, lex, _slots(rng, lex, title, company), ref)

    # identity
    if kind == "romance_investment_scam":
        first, last = rng.choice(FAKE_FIRST), rng.choice(FAKE_LAST)
    elif kind == "bulk_created":
        first = "".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 7))).capitalize()
        last = rng.choice(lex["last"] + FAKE_LAST)
    else:
        first = rng.choice(lex["first_f"] if female else lex["first_m"])
        last = rng.choice(lex["last"])
    name = f"{first} {last}"
    digits = (
        str(rng.randint(10, 99999))
        if kind in ("bulk_created", "job_seeker_spam") or rng.random() < 0.15
        else ""
    )
    username = (first + "-" + last).lower().replace(" ", "-") + (f"-{digits}" if digits else "")
    c.slots["email"] = (
        f"{first.lower()}.{last.lower().replace(' ', '')}{rng.randint(1, 99)}@gmail.com"
    )

    # account age, career length, profile depth per archetype
    age_years, career, n_exp, about_k, skills_k, activity, note_kinds, typo = {
        "active": (
            (1, 18),
            (2, 30),
            (2, 5),
            (2, 5),
            (5, 15),
            "mid",
            {"personal": 0.45, "blank": 0.45, "canned": 0.10},
            (0.0, 0.01),
        ),
        "passive": (
            (0.5, 15),
            (1, 30),
            (1, 3),
            (0, 3),
            (0, 6),
            "none",
            {"blank": 0.70, "canned": 0.15, "personal": 0.15},
            (0.0, 0.015),
        ),
        "newcomer": (
            (0.02, 1.0),
            (0, 3),
            (0, 1),
            (0, 1),
            (0, 3),
            "low",
            {"blank": 0.55, "canned": 0.30, "personal": 0.15},
            (0.0, 0.03),
        ),
        "non_native": (
            (0.5, 12),
            (1, 20),
            (1, 4),
            (1, 4),
            (2, 10),
            "low",
            {"personal": 0.40, "blank": 0.40, "canned": 0.20},
            (0.04, 0.12),
        ),
        "heavy_poster": (
            (2, 18),
            (5, 30),
            (2, 6),
            (3, 6),
            (8, 20),
            "high",
            {"personal": 0.50, "blank": 0.40, "canned": 0.10},
            (0.0, 0.01),
        ),
        "recruiter": (
            (1, 15),
            (2, 20),
            (2, 5),
            (2, 4),
            (5, 12),
            "mid",
            {"canned": 0.45, "personal": 0.30, "pitch": 0.10, "blank": 0.15},
            (0.0, 0.01),
        ),
        "sales_mass_inviter": (
            (0.1, 6),
            (1, 10),
            (1, 3),
            (1, 3),
            (3, 10),
            "low",
            {"pitch": 0.50, "canned": 0.30, "blank": 0.15, "personal": 0.05},
            (0.0, 0.04),
        ),
        "bulk_created": (
            (0.0, 0.4),
            (0, 2),
            (0, 1),
            (0, 1),
            (0, 2),
            "none",
            {"blank": 0.45, "canned": 0.30, "pitch": 0.15, "bait": 0.10},
            (0.10, 0.30),
        ),
        "romance_investment_scam": (
            (0.03, 2),
            (3, 15),
            (1, 2),
            (0, 2),
            (0, 3),
            "none",
            {"bait": 0.60, "canned": 0.20, "blank": 0.10, "personal": 0.10},
            (0.02, 0.10),
        ),
        "careful_fake": (
            (0.1, 3),
            (3, 15),
            (2, 4),
            (2, 5),
            (4, 12),
            "none",
            {"personal": 0.45, "blank": 0.35, "canned": 0.20},
            (0.0, 0.01),
        ),
        "job_seeker_spam": (
            (0.05, 3),
            (0, 5),
            (0, 2),
            (0, 2),
            (0, 4),
            "low",
            {"job": 0.70, "canned": 0.15, "blank": 0.15},
            (0.05, 0.15),
        ),
    }[kind]
    created = ref - timedelta(days=_days(rng, *age_years) + 1)
    career_years = rng.uniform(*career)
    typo_rate = rng.uniform(*typo)
    if kind == "careful_fake" and rng.random() < 0.5:  # a bought, old account
        created = ref - timedelta(days=_days(rng, 3, 10))
    if kind in ("passive", "active") and rng.random() < 0.15:  # an honest member gone quiet
        activity = "none"
    if kind == "careful_fake" and rng.random() < 0.4:  # likes and shares to look alive
        activity = "low"

    crude_career = fake and kind != "careful_fake"
    experience = _experience(c, rng.randint(*n_exp), career_years, crude_career) if n_exp[1] else []
    education = (
        _education(c, career_years)
        if (rng.random() < (0.3 if kind == "bulk_created" else 0.85))
        else []
    )
    about_key = "pitch_about" if kind == "sales_mass_inviter" and rng.random() < 0.7 else "about"
    k_about = rng.randint(*about_k)
    about = misspell(_about(c, k_about, about_key), typo_rate, rng) if k_about else None
    headline_t = rng.choice(lex["headline"])
    headline = _fill(headline_t, c.slots)
    if (
        kind == "careful_fake" and rng.random() < 0.3 and experience
    ):  # headline disagrees with career
        experience[0]["title"] = rng.choice(lex["title"])
    if kind == "bulk_created" and rng.random() < 0.5:
        headline = None
    for e in experience:
        if e["description"]:
            e["description"] = misspell(e["description"], typo_rate, rng)
    skills = rng.sample(lex["skill"], min(rng.randint(*skills_k), len(lex["skill"])))

    note_kind = _pick(rng, note_kinds)
    message = _note(c, note_kind)
    if message:
        message = misspell(message, typo_rate, rng)
        # Its own random stream, so adding this step left every other generated value unchanged.
        side = random.Random(f"{cfg.seed}:{i}:evade")
        if fake and note_kind in ("bait", "pitch") and side.random() < 0.2:
            message = evade(message, side)

    # network
    conn_median = {
        "active": 400,
        "passive": 90,
        "newcomer": 25,
        "non_native": 200,
        "heavy_poster": 1500,
        "recruiter": 2500,
        "sales_mass_inviter": 1800,
        "bulk_created": 8,
        "romance_investment_scam": 150,
        "careful_fake": 180,
        "job_seeker_spam": 300,
    }[kind]
    connections = int(conn_median * rng.lognormvariate(0, 0.8))
    # Careful fakes copy members' network shape; the others are lopsided.
    crude = fake and kind != "careful_fake"
    follow_ratio = 3.0 if kind == "heavy_poster" else (0.7 if crude else 1.05)
    followers = int(connections * follow_ratio * rng.lognormvariate(0, 0.4))
    follows_many = rng.random() < (0.25 if crude else 0.10)  # fakes follow to be followed back
    following = int(connections * (2.0 if follows_many else 0.3) * rng.lognormvariate(0, 0.6))
    mutual_base = {
        "active": 12,
        "passive": 5,
        "newcomer": 2,
        "non_native": 6,
        "heavy_poster": 20,
        "recruiter": 8,
        "careful_fake": 6.0,
        "romance_investment_scam": 0.8,
        "sales_mass_inviter": 1.5,
        "bulk_created": 0.2,
        "job_seeker_spam": 0.8,
    }[kind]
    mutual = int(rng.expovariate(1.0) * mutual_base)
    sent7 = {
        "recruiter": 40,
        "sales_mass_inviter": 120,
        "bulk_created": 60,
        "romance_investment_scam": 35,
        "job_seeker_spam": 50,
        "careful_fake": 4.5,
        "active": 5,
        "heavy_poster": 8,
    }.get(kind, 3)
    invitations_7d = int(sent7 * rng.lognormvariate(0, 0.9))
    accept = {
        "recruiter": (3, 3),
        "sales_mass_inviter": (2.5, 5),
        "bulk_created": (2, 5),
        "romance_investment_scam": (2.5, 4),
        "job_seeker_spam": (2, 4),
        "careful_fake": (4, 2.8),
        "newcomer": (3, 3),
    }.get(kind, (5, 2.5))
    acceptance = round(rng.betavariate(*accept), 3) if rng.random() < 0.9 else None
    sent_at = datetime.combine(ref, datetime.min.time(), UTC) - timedelta(
        minutes=rng.randint(0, 30 * 1440)
    )

    sections = {
        s: (int(rng.expovariate(1.0) * (0.2 if crude else 1.0)) if rng.random() < 0.6 else 0)
        for s in (
            "certifications",
            "volunteering",
            "recommendations",
            "projects",
            "publications",
            "courses",
            "honors",
            "organizations",
            "interests",
        )
    }
    if kind in ("romance_investment_scam", "bulk_created"):
        sections["recommendations"] = 0

    photo_kind, stock_idx = _photo_plan(rng, kind, cfg)
    size = rng.randint(cfg.photo_min_px, cfg.photo_max_px)
    fmt = "PNG" if rng.random() < 0.1 else "JPEG"
    ext = "png" if fmt == "PNG" else "jpg"
    spec: tuple | None = None
    photo_path: str | None = None
    if photo_kind != "none" and cfg.with_photos:
        photo_path = f"{pid}.{ext}" if photo_kind != "placeholder" else f"{pid}.png"
        if photo_kind == "portrait":
            spec = ("portrait", f"{cfg.seed}:{i}:photo", size, fmt, rng.randint(70, 95))
        elif photo_kind == "stock":
            spec = ("stock", stock_idx, f"{cfg.seed}:{i}:reup", size, fmt, rng.randint(60, 95))
        else:
            spec = ("placeholder",)

    label = "fake" if fake else "genuine"
    if rng.random() < (cfg.noise_fake if fake else cfg.noise_genuine):
        label = "genuine" if fake else "fake"

    record: dict[str, Any] = {
        "profile_id": pid,
        "label": label,
        "fake_kind": kind if fake else None,
        "name": name,
        "username": username,
        "headline": headline,
        "location": c.slots["city"] if rng.random() < 0.9 else None,
        "website": c.slots["url"] if kind == "sales_mass_inviter" and rng.random() < 0.4 else None,
        "created_at": created.isoformat(),
        "photo": photo_path,
        "has_photo": photo_kind != "none",
        "about": about,
        "experience": experience,
        "education": education,
        "skills": skills,
        "languages": [lang] if rng.random() < 0.5 else [],
        "sections": sections,
        "connections": connections,
        "followers": followers,
        "following": following,
        "activity": _activity(rng, activity),
        "invitation": {
            "message": message,
            "sent_at": sent_at.isoformat().replace("+00:00", "Z"),
            "mutual_connections": mutual,
            "invitations_sent_last_7d": invitations_7d,
            "acceptance_rate": acceptance,
        },
        # Not part of the schema: kept as an extra field, handy for per-segment metrics.
        "segment": {"language": lang, "archetype": kind, "photo_kind": photo_kind},
    }
    if rng.random() < 0.04:  # a source that only knows whether there is a photo
        record["photo"] = None
    if fake:
        side = random.Random(f"{cfg.seed}:{i}:derived")
        derived = _derive(record, kind, c, created, side)
        if derived in TWINNED:
            return _twinned(derived, i, cfg, record, side)
        if derived == "photo_off":
            spec = None  # the picture was taken off
    return record, spec


def _derive(
    record: dict[str, Any], kind: str, c: _Ctx, created: date, side: random.Random
) -> str | None:
    """Turn some fakes into the DERIVED_KINDS, drawing only from `side`: machine-written ones
    and one_tells with a profile's tell in place ("photo_off" where the picture was taken off);
    for a kind made from a genuine member's twin (TWINNED) its name is returned instead."""
    r = side.random()
    shares = [(new, made[kind]) for new, made in DERIVED_KINDS.items() if kind in made]
    for new, share in shares:
        if r >= share:
            r -= share
            continue
        if new == "one_tell":
            record["fake_kind"] = record["segment"]["archetype"] = new
            if _one_tell(record, c, side):
                return "photo_off"
            if record["segment"]["tell"] not in NOTE_TELLS:
                return None
        if new == "hijacked_account" and (c.ref - created).days < 3 * 365:
            return None  # only an old account is worth taking over: this one stays careful
        if new in TWINNED:
            return new
        record["fake_kind"] = record["segment"]["archetype"] = new
        style = machine.varied_texts(side, c.lang, c.slots, len(record["experience"]), c.lex)
        record["headline"], record["about"] = style["headline"], style["about"]
        # Some careers are made of buzzword firms all over the world, others of plausible
        # local ones: the text's style, not only its employers, has to give it away.
        invented = side.uniform(0.0, 1.0)
        abroad = 0.0 if side.random() < 0.4 else side.uniform(0.2, 1.0)
        for e, duty in zip(record["experience"], style["duties"], strict=True):
            if side.random() < invented:
                e["company"] = machine.employer(side)
            elif side.random() < 0.5:
                e["company"] = machine.plain_employer(side)
            if side.random() < abroad:
                e["location"] = side.choice(machine.WORLD_CITIES)
            e["description"] = duty
        if kind == "careful_fake" and side.random() < 0.7:  # scams keep their bait
            record["invitation"]["message"] = side.choice(machine.NOTES[c.lang])
        return None
    return None


def _twinned(
    new: str, i: int, cfg: GenConfig, fake: dict[str, Any], side: random.Random
) -> tuple[dict[str, Any], tuple | None]:
    """Fake `i` remade as the kind `new` from a genuine member's twin (make_profile's `member`):
    an honest member's profile whose only difference is the tell (a one_tell's single red flag,
    a hijacked account's note), so the model learns what each tell says on its own, not only
    next to the other signs of crude fakes."""
    record, spec = make_profile(i, cfg, _pick(side, TWINNED[new]))
    record["label"] = fake["label"]  # the fake's own label noise is kept
    record["fake_kind"] = record["segment"]["archetype"] = new
    lang = record["segment"]["language"]
    lex = LEX[lang]
    title = record["experience"][0]["title"] if record["experience"] else side.choice(lex["title"])
    slots = _slots(side, lex, title, side.choice(lex["company"]))
    first, _, last = record["name"].partition(" ")
    slots["email"] = (
        f"{first.lower()}.{last.lower().replace(' ', '')}{side.randint(1, 99)}@gmail.com"
    )
    c = _Ctx(side, lang, lex, slots, cfg.reference_date)
    inv = record["invitation"]
    if new == "hijacked_account":  # an established account taken over: its note is the tell
        years = side.uniform(3.0, 15.0)
        record["created_at"] = min(
            record["created_at"], (c.ref - timedelta(days=int(years * 365))).isoformat()
        )
        note = _fill(side.choice(machine.HIJACKED_NOTES[lang]), slots)
        inv["message"] = evade(note, side) if side.random() < 0.2 else note
        return record, spec
    inv["message"] = _fill(side.choice(c.lex["note_personal"]), c.slots)
    return record, (None if _tell(record, c, side, fake["segment"]["tell"]) else spec)


def _one_tell(record: dict[str, Any], c: _Ctx, side: random.Random) -> bool:
    """An established, active profile with a personal note, and exactly one of the seed red
    flags (TELLS). True where the picture was taken off."""
    years = side.uniform(2.0, 12.0)
    record["created_at"] = (c.ref - timedelta(days=int(years * 365))).isoformat()
    record["activity"] = _activity(side, "mid")
    inv = record["invitation"]
    inv["message"] = _fill(side.choice(c.lex["note_personal"]), c.slots)
    inv["mutual_connections"] = int(side.expovariate(1.0) * 10)
    inv["invitations_sent_last_7d"] = side.randint(0, 15)
    tell = side.choice(TELLS)
    return _tell(record, c, side, tell)


def _tell(record: dict[str, Any], c: _Ctx, side: random.Random, tell: str) -> bool:
    """Show the seed red flag `tell` on `record`. True where the picture was taken off."""
    inv = record["invitation"]
    record["segment"]["tell"] = tell
    if tell == "no_photo":
        record["photo"], record["has_photo"] = None, False
        record["segment"]["photo_kind"] = "none"
        return True
    if tell == "thin":
        record |= {"about": None, "experience": [], "education": [], "skills": []}
        record["sections"] = {k: 0 for k in record["sections"]}
    elif tell == "misspelled":
        for k in ("headline", "about"):
            if record.get(k):
                record[k] = misspell(record[k], side.uniform(0.1, 0.3), side)
    elif tell == "no_activity" and record["activity"] is not None:
        record["activity"] |= {k: 0 for k in ("posts", "articles", "comments", "reactions")}
        record["activity"]["shares"] = 0
    elif tell == "blank_note":
        inv["message"] = None
    elif tell == "canned_note":
        inv["message"] = _fill(side.choice(c.lex["note_canned"]), c.slots)
    elif tell == "link":
        inv["message"] = f"{inv['message']} {c.slots['url']}"
    elif tell in ("pitch", "bait"):  # an established account's note: the pitch alone tells
        note = _fill(side.choice(c.lex[f"note_{tell}"]), c.slots)
        inv["message"] = evade(note, side) if side.random() < 0.2 else note
    elif tell == "mass_inviting":
        inv["invitations_sent_last_7d"] = side.randint(80, 300)
    elif tell == "new_account":
        sent = date.fromisoformat(inv["sent_at"][:10])
        record["created_at"] = (sent - timedelta(days=side.randint(3, 45))).isoformat()
    return False


def render_photo(spec: tuple) -> bytes:
    """The bytes of the photo described by `spec` (pure: same spec, same bytes)."""
    if spec[0] == "placeholder":
        return photos.encode(photos.placeholder(), "PNG")
    if spec[0] == "portrait":
        _, seed, size, fmt, quality = spec
        return photos.encode(photos.portrait(seed, size), fmt, quality)
    _, idx, seed, size, fmt, quality = spec
    img = photos.reupload(photos.stock(idx), random.Random(seed), size)
    return photos.encode(img, fmt, quality)


def _render_batch(specs: list[tuple]) -> list[bytes]:
    return [render_photo(s) for s in specs]


def iter_profiles(cfg: GenConfig) -> Iterator[tuple[dict[str, Any], tuple | None]]:
    for i in range(cfg.n):
        yield make_profile(i, cfg)


def generate(
    cfg: GenConfig,
    out: str | Path,
    photo_dir: str | Path,
    batch: int = 2000,
    progress: Callable[[int], object] | None = None,
) -> dict[str, int]:
    """Write `cfg.n` profiles to `out` (JSON Lines, gzip if it ends in .gz) and photos to `photo_dir`.

    Streams in batches, so memory stays flat at any `n`; photos are drawn in `cfg.workers` processes.
    Returns counts by label for the summary line; `progress(rows)` is called after each batch.
    """
    out, photo_dir = Path(out), Path(photo_dir)
    photo_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {"fake": 0, "genuine": 0, "photos": 0}
    with atomic_path(out) as tmp, open(tmp, "wb") as raw, interrupt.deferred() as stop:
        pool = (
            ProcessPoolExecutor(cfg.workers, initializer=interrupt.ignore_in_worker)
            if cfg.workers > 1 and cfg.with_photos
            else None
        )
        # mtime=0 and no file name: the gzip header is the same on every run.
        fh = (
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="")
            if out.name.endswith(".gz")
            else raw
        )
        try:
            profiles = iter_profiles(cfg)
            while True:
                stop()  # Ctrl-C: between batches (fakeprofile.interrupt)
                chunk = [p for _, p in zip(range(batch), profiles, strict=False)]
                if not chunk:
                    break
                specs = [(r["photo"], s) for r, s in chunk if s is not None and r["photo"]]
                if pool:
                    parts = [specs[k :: cfg.workers] for k in range(cfg.workers)]
                    rendered = list(pool.map(_render_batch, [[s for _, s in p] for p in parts]))
                    for k, part in enumerate(parts):
                        for (name, _), data in zip(part, rendered[k], strict=True):
                            (photo_dir / name).write_bytes(data)
                else:
                    for name, s in specs:
                        (photo_dir / name).write_bytes(render_photo(s))
                counts["photos"] += len(specs)
                if progress is not None:
                    progress(len(chunk))
                for record, _ in chunk:
                    counts[record["label"]] += 1
                    fh.write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
        finally:
            if fh is not raw:
                fh.close()
            if pool:
                pool.shutdown()
    return counts
