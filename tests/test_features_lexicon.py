"""features/lexicon.py: the shortcuts in the one-edit search give the answers of the full search."""

import math
import random

import pytest
import wordfreq

from fakeprofile.features.lexicon import (
    COMPOUNDING,
    LANGS,
    LINKS,
    MIN_COMPOUND,
    MIN_PART,
    Lexicon,
    frequencies,
)

LETTERS = "abcdefghijklmnopqrstuvwxyzæøåäöüß"


@pytest.fixture(scope="module")
def lex():
    return Lexicon(min_zipf=2.0)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_frequencies_are_wordfreqs_zipf_values_in_its_order(lang):
    """The bucket-wise table equals the plain definition: every word of wordfreq's dictionary
    with log10(frequency) + 9, in the same order."""
    expected = {w: math.log10(f) + 9 for w, f in wordfreq.get_frequency_dict(lang).items()}
    got = frequencies(lang)
    assert list(got.items()) == list(expected.items())


def reference_edits(word: str) -> set[str]:
    """The definition: every drop, swap, substitution and insertion, minus the word itself."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in LETTERS}
    out |= {a + c + b for a, b in splits for c in LETTERS}
    out.discard(word)
    return out


def sample_words(lex: Lexicon, lang: str, n: int, seed: int) -> list[str]:
    """Typos of real words, glued parts with a typo, and random strings (names, noise)."""
    rng = random.Random(seed)
    words = sorted(w for w in lex.words(lang) if len(w) >= 6)
    parts = sorted(lex.parts(lang))

    def typo(w: str) -> str:
        i = rng.randrange(len(w))
        return rng.choice(
            [w[:i] + w[i + 1 :], w[:i] + rng.choice(LETTERS) + w[i + 1 :], w[:i] + "x" + w[i:]]
        )

    out = []
    for k in range(n):
        out.append(
            [
                lambda: typo(rng.choice(words)),
                lambda: typo(rng.choice(parts) + rng.choice(["", "s"]) + rng.choice(parts)),
                lambda: "".join(rng.choices(LETTERS[:26], k=rng.randint(4, 13))),
            ][k % 3]()
        )
    return out


@pytest.mark.parametrize("word", ["a", "ab", "aa", "teh", "kaffe", "projektleder", "æøå"])
def test_edits_are_every_one_edit_string(word):
    assert Lexicon.edits(word) == reference_edits(word)
    stages = list(Lexicon.edit_stages(word))
    assert set().union(*stages) == reference_edits(word) and len(stages) == 3


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("floors", [(2.0, 3.0), (3.5, 2.5)])
def test_common_words_are_every_word_above_the_floor(lang, floors):
    """The sets near_word looks in hold exactly the words at least min_zipf common in the
    language (Danish: or in Bokmål), whether or not the word list can be reused for them."""
    min_zipf, part_zipf = floors
    lex = Lexicon(min_zipf=min_zipf, part_zipf=part_zipf)
    langs = (lang, "nb") if lang == "da" else (lang,)
    want = {w for k in langs for w, z in frequencies(k).items() if z >= min_zipf}
    sets = lex.common(lang)
    assert set().union(*sets) == want
    assert sum(map(len, sets)) == len(want)  # no word stored twice


@pytest.mark.parametrize("lang", LANGS)
def test_near_word_answers_as_the_unpruned_search(lex, lang):
    """Edits are looked for in the common-word sets, kind by kind, and an edit whose first
    letters start no known part is never tried as a compound: the answers of the full search,
    with the frequency tables, over every edit."""
    for word in sample_words(lex, lang, 45, seed=2):
        full = lex.neighbour_zipf(word, lang) >= lex.min_zipf or (
            lang in COMPOUNDING
            and len(word) > MIN_COMPOUND
            and any(lex._compound(e, lang, 0) for e in lex.edits(word) if len(e) >= MIN_COMPOUND)
        )
        assert lex.near_word(word, lang) == full, word


def reference_compound(lex: Lexicon, word: str, lang: str, depth: int = 0) -> bool:
    """The definition, without pruning: known head, linking letters, then a known, inflected
    or again compound rest; at most four parts."""
    if depth >= 4:
        return False
    for i in range(len(word) - MIN_PART, MIN_PART - 1, -1):
        head = word[:i]
        if head not in lex.parts(lang) and not (i >= 5 and head in lex.words(lang)):
            continue
        for link in LINKS[lang]:
            rest = word[i + len(link) :]
            if not word.startswith(link, i) or len(rest) < MIN_PART:
                continue
            if (
                rest in lex.parts(lang)
                or (len(rest) >= 5 and rest in lex.words(lang))
                or lex._inflected(rest, lang, english_only=False)
                or reference_compound(lex, rest, lang, depth + 1)
            ):
                return True
    return False


@pytest.mark.parametrize("lang", sorted(COMPOUNDING))
def test_compound_split_answers_as_the_unpruned_definition(lex, lang):
    """A word whose first letters start no known part is not split at all."""
    rng = random.Random(5)
    parts = sorted(lex.parts(lang))
    glued = [rng.choice(parts) + rng.choice(LINKS[lang]) + rng.choice(parts) for _ in range(30)]
    words = sample_words(lex, lang, 150, seed=4) + glued
    found = 0
    for word in words:
        want = reference_compound(lex, word, lang)
        assert lex._compound(word, lang, 0) == want, word
        found += want
    assert found >= 30  # the sample does hold compounds


def test_borrowed_and_inflected_words_at_their_cuts(lex):
    """English stems with a Danish ending count from Zipf loan_zipf + 0.5 (3.5 here); a short
    English word counts as a loan only from Zipf 5; a compound tail may inflect a Danish part.
    The Zipf values are wordfreq's, read here so that the cases stay at the cuts."""
    en = frequencies("en")
    assert lex.loan_zipf == 3.0
    assert en["benchmark"] >= 3.5 > en["brainstorm"] >= 2.5
    assert lex._inflected("benchmarkede", "da", english_only=True)
    assert not lex._inflected("brainstormede", "da", english_only=True)
    assert not lex._is_loan("brainstormede", "da")
    assert en["team"] >= 5.0 > en["chat"] >= 3.0  # both four letters
    assert lex._is_loan("team", "da") and not lex._is_loan("chat", "da")
    assert "bord" in lex.parts("da") and en.get("bord", 0.0) < 3.5
    assert lex._inflected("bordene", "da", english_only=False)
    assert not lex._inflected("bordene", "da", english_only=True)


def test_compound_parts_start_at_part_zipf_and_take_only_common_english(lex):
    """A Swedish word exactly at Zipf part_zipf is a part; an English word of four to seven
    letters that is rare is not (a long one needs min_zipf, a short one loan_zipf)."""
    en, sv = frequencies("en"), frequencies("sv")
    at_cut = sorted(w for w, z in sv.items() if z == lex.part_zipf and len(w) >= MIN_PART)
    assert at_cut and set(at_cut) <= lex.parts("sv")
    rare = sorted(
        w
        for w, z in en.items()
        if MIN_PART <= len(w) < MIN_COMPOUND and z < lex.min_zipf and w.isalpha()
    )[:50]
    assert rare and not set(rare) & lex.parts("sv") - {w for w in rare if w in sv}
