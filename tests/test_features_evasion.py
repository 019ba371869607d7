"""Notes are normalised before they are read (features/evasion): each disguise, alone and combined,
in all six languages, gives the same content features as the plain note, and is counted."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fakeprofile.features import ProfileFeatures, evasion
from fakeprofile.synth.generate import GenConfig, make_profile

# A channel move with money bait and a phone number, per language (written for this test).
PLAIN = {
    "en": "Hi! I have a fantastic investment opportunity for you, write to me on WhatsApp {phone}",
    "da": "Hej! Jeg har en fantastisk investeringsmulighed, skriv til mig på WhatsApp {phone}",
    "sv": "Hej! Jag har en fantastisk investeringsmöjlighet, skriv till mig på WhatsApp {phone}",
    "nb": "Hei! Jeg har en fantastisk investeringsmulighet, skriv til meg på WhatsApp {phone}",
    "nl": "Hoi! Ik heb een fantastische investeringskans, stuur me een bericht op WhatsApp {phone}",
    "de": "Hallo! Ich habe eine fantastische Investitionsmöglichkeit, schreib mir auf WhatsApp {phone}",
}
PHONE = "+44 7700 900123"
# The phone number in words, per language.
PHONE_WORDS = {
    "en": "plus four four seven seven zero zero nine zero zero one two three",
    "da": "plus fire fire syv syv nul nul ni nul nul en to tre",
    "sv": "plus fyra fyra sju sju noll noll nio noll noll ett två tre",
    "nb": "plus fire fire sju sju null null ni null null en to tre",
    "nl": "plus vier vier zeven zeven nul nul negen nul nul een twee drie",
    "de": "plus vier vier sieben sieben null null neun null null eins zwei drei",
}
CONTENT = [
    "invite_link",
    "invite_phone",
    "invite_email",
    "invite_messenger",
    "invite_money_words",
    "invite_contact_bait",
]


def _word(word: str, how: str) -> str:
    """`word` disguised by one trick."""
    if how == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in word)
    if how == "math_bold":
        return "".join(
            chr(0x1D400 + ord(c) - 65)
            if "A" <= c <= "Z"
            else chr(0x1D41A + ord(c) - 97)
            if "a" <= c <= "z"
            else c
            for c in word
        )
    if how == "cyrillic":
        return word.translate(str.maketrans("aeopcx", "аеорсх"))
    if how == "leet":
        return word.translate(str.maketrans("aeiost", "431057"))
    if how == "dashes":
        return "-".join(word)
    if how == "underscore":
        return word[: len(word) // 2] + "_" + word[len(word) // 2 :]
    if how in INVISIBLE:
        return word[: len(word) // 2] + INVISIBLE[how] + word[len(word) // 2 :]
    raise ValueError(how)


INVISIBLE = {
    "zero_width": "\u200b",
    "grapheme_joiner": "\u034f",
    "bidi_isolate": "\u2066",
    "hangul_filler": "\u3164",
    "tag": "\U000e0041\U000e0042",
    "word_joiner": "\u2060",
}
WORD_TRICKS = ["fullwidth", "math_bold", "cyrillic", "leet", "dashes", "underscore", *INVISIBLE]
PHONE_TRICKS = {
    "o_for_0": "+44 77OO 9OO123",
    "slash": "+44/7700/900123",
}
MISSPELT = ["Watsapp", "Whatsap", "WhatsAppen", "whats app"]


@pytest.fixture(scope="module")
def pf() -> ProfileFeatures:
    records = [make_profile(i, GenConfig(n=60, with_photos=False))[0] for i in range(60)]
    return ProfileFeatures(as_of="2026-06-30").fit(records)


def feats(pf: ProfileFeatures, notes: list[str]):
    base = make_profile(3, GenConfig(n=10, with_photos=False))[0]
    records = [
        {**base, "profile_id": f"x{i}", "invitation": {**base["invitation"], "message": n}}
        for i, n in enumerate(notes)
    ]
    return pf.transform(records)


@pytest.mark.parametrize("lang", list(PLAIN))
def test_every_trick_reads_as_the_plain_note_and_is_counted(pf, lang):
    plain = PLAIN[lang].format(phone=PHONE)
    notes = [plain]
    for how in WORD_TRICKS:
        notes.append(plain.replace("WhatsApp", _word("WhatsApp", how)))
    for spelling in MISSPELT:
        notes.append(plain.replace("WhatsApp", spelling))
    for phone in PHONE_TRICKS.values():
        notes.append(PLAIN[lang].format(phone=phone))
    notes.append(PLAIN[lang].format(phone=PHONE_WORDS[lang]))
    X = feats(pf, notes)
    assert X.loc[0, "text_evasion"] == 0
    present = ["invite_phone", "invite_messenger", "invite_money_words", "invite_contact_bait"]
    assert (X.loc[0, present] > 0).all(), X.loc[0, CONTENT]
    for i in range(1, len(notes)):
        for col in CONTENT:
            assert (X.loc[i, col] > 0) == (X.loc[0, col] > 0), (notes[i], col)
        assert X.loc[i, "text_evasion"] >= 1, notes[i]


@pytest.mark.parametrize("lang", list(PLAIN))
def test_links_and_addresses_in_disguise(pf, lang):
    lead = PLAIN[lang].split(",")[0]
    notes = [
        f"{lead}: https://bit.ly/abc123",
        f"{lead}: bit[.]ly/abc123",
        f"{lead}: hxxps://example[.]com/offer",
        f"{lead}: example (dot) com",
        f"{lead}: john.smith@gmail.com",
        f"{lead}: john.smith (at) gmail (dot) com",
        f"{lead}: john.smith [at] gmail [dot] com",
    ]
    X = feats(pf, notes)
    assert (X.loc[:3, "invite_link"] > 0).all(), X["invite_link"]
    assert (X.loc[4:, "invite_email"] > 0).all(), X["invite_email"]
    assert (X.loc[1:3, "text_evasion_note_link"] > 0).all()
    assert (X.loc[5:, "text_evasion_note_address"] > 0).all()


def test_other_messengers_and_their_misspellings(pf):
    notes = [
        "Add me on Telegram",
        "Add me on Telegramm",
        "Write me on Signal",
        "Find me on Instagram",
        "Add me on Snapchat",
        "Text me on Viber",
        "Add me on WeChat",
        "Add me on Line",
        "Message me on Kik",
        "Talk on Sk-ype",
    ]
    X = feats(pf, notes)
    assert (X["invite_messenger"] > 0).all(), list(zip(notes, X["invite_messenger"], strict=True))
    assert (X["invite_contact_bait"] == 1).all()


# Personal notes of honest members, per language: nothing here may count as a red flag or trick.
HONEST = [
    "Hi Anna, we met at the Q4 planning workshop in Leeds. Great talk about B2B sales and Power BI!",
    "Hej Søren, vi mødtes til konferencen i Århus. Det var en god snak om økonomi og signalbehandling.",
    "Hej Åsa! Vi träffades på mässan i Göteborg förra veckan, tack för ett trevligt samtal.",
    "Hei Kjetil, vi jobbet sammen på prosjektet i Tromsø for to år siden. Håper alt står bra til!",
    "Hoi Sanne, we spraken elkaar op het congres in Utrecht over online marketing. Leuk je te zien!",
    "Hallo Jürgen, wir haben uns auf der Messe in München getroffen. Ich würde mich gerne vernetzen.",
    "Whats up? Saw your ASP.NET talk, I work with Node.js too, in line with what you said.",
    # One edit or one space from a messenger or money word, yet ordinary words.
    "Looking for ex-colleagues from the telegraph office, can we chat next week? Whatsup!",
    "Hallo Jörg, das Thema Digitalisierung interessiert mich, gerne in Kontakt bleiben.",
    "Hej Anna, tak for sidst, jeg er i gang med en ny rolle i Aarhus og savner sparring.",
    "Hi, I saw your talk on signal processing at the offshore wind conference, fully agree.",
]


def test_honest_notes_raise_nothing(pf):
    X = feats(pf, HONEST)
    flags = X[CONTENT + ["text_evasion"]]
    assert (flags.fillna(0) == 0).all().all(), flags.T


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    lang=st.sampled_from(list(PLAIN)),
    tricks=st.lists(st.sampled_from(WORD_TRICKS), min_size=1, max_size=3, unique=True),
    phone=st.sampled_from([PHONE, *PHONE_TRICKS.values(), "words"]),
    seed=st.integers(0, 1000),
)
def test_combined_tricks_read_as_plain(lang, tricks, phone, seed):
    """Any combination of tricks, on the messenger name and a money word: the normalised note has
    the same red flags as the plain one, and each trick kind is counted."""
    rng = random.Random(seed)
    plain = PLAIN[lang].format(phone=PHONE)
    disguised = PLAIN[lang].format(phone=PHONE_WORDS[lang] if phone == "words" else phone)
    for how in tricks:
        target = rng.choice(["WhatsApp", "fantastic" if lang == "en" else "WhatsApp"])
        disguised = disguised.replace(target, _word(target, how), 1)
    text, counts = evasion.normalise(disguised)
    assert "WhatsApp" in text or "Whatsapp" in text.replace("WhatsApp", "Whatsapp"), text
    assert evasion.phone_count(text) >= 1, text
    assert sum(c > 0 for c in counts) >= 1
    assert evasion.normalise(plain)[1] == [0] * len(evasion.TRICKS)


@pytest.mark.parametrize(
    "unit,tail",
    [("ab-", " ("), ("a", "("), ("1", "中"), ("x.", " at y"), ("a ", "@"), ("a.", " dot com")],
)
def test_normalising_a_long_hostile_note_grows_linearly_with_its_length(unit, tail):
    """Patterns that could start a match inside every long run of letters and fail at its end
    take time in the square of the run (a 10,000-character note held up a batch for seconds).
    Growth order, not a timing: ten times the text may cost about ten times the CPU, never a
    hundred."""
    import time

    def cost(n: int) -> float:
        text = unit * (n // len(unit)) + tail
        evasion.normalise(text[:50])  # tables built once, outside the measure
        best = float("inf")
        for _ in range(3):
            t = time.process_time()
            evasion.normalise(text)
            best = min(best, time.process_time() - t)
        return max(best, 1e-4)

    assert cost(10_000) / cost(1_000) < 40
