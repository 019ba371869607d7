"""features/text.py: character counts read from UTF-8 bytes equal the regex engine's own counts."""

import random

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from fakeprofile.features.text import (
    CHAR_CLASSES,
    MIXED_SCRIPT,
    REPEATED_PUNCT,
    SPACED_OUT,
    char_counts,
    mixed_script,
    repeated_punctuation,
    spaced_out,
)

# ASCII often, then samples of every Unicode plane: Latin letters with marks, combining marks,
# Cyrillic, CJK, symbols, emoji and mathematical letters (𝐀 is an upper-case letter).
POOL = [chr(c) for c in range(32, 127)] * 20 + [
    chr(c)
    for c in [
        *range(0xA0, 0x800),
        *range(0x800, 0xD800, 7),
        *range(0xE000, 0x10000, 13),
        *range(0x10000, 0x110000, 101),
        *range(0x2000, 0x2070),  # zero-width characters among other punctuation
        0xAD,
        0xFEFF,
        *range(0x1F300, 0x1F310),  # emoji
        0x2600,
        0x27BF,
        0x1F1E6,
    ]
]


def regex_counts(arr: pa.Array) -> np.ndarray:
    return np.array([pc.count_substring_regex(arr, p).to_numpy() for p in CHAR_CLASSES], float)


def test_char_counts_equal_the_regex_counts_on_random_unicode():
    rng = random.Random(1)
    for trial in range(20):
        texts = ["".join(rng.choices(POOL, k=rng.randint(0, 60))) for _ in range(300)]
        texts += [""] * (trial % 3)  # empty texts at the end must not cut the last text short
        arr = pa.array(texts)
        if trial % 2:  # a slice: the array starts part-way into its buffers
            arr = arr.slice(17, 200)
        got, want = char_counts(arr), regex_counts(arr)
        np.testing.assert_array_equal(got, want)
        assert (want[2:].sum(axis=1) > 0).all()  # zero-width and emoji met, not only letters


def test_char_counts_of_empty_texts_and_hand_checked_words():
    arr = pa.array(["", "Æble og Øl", "", "𝐀b ́", "WhatsАpp 🙂", "Wh\u200bats\u00adApp", ""])
    letters, upper, zero_width, emoji, cyrillic_or_greek = char_counts(arr)
    assert letters.tolist() == [0, 8, 0, 2, 8, 8, 0]
    assert upper.tolist() == [0, 2, 0, 1, 2, 2, 0]
    assert zero_width.tolist() == [0, 0, 0, 0, 0, 2, 0]
    assert emoji.tolist() == [0, 0, 0, 0, 1, 0, 0]
    assert cyrillic_or_greek.tolist() == [0, 0, 0, 0, 1, 0, 0]
    assert char_counts(pa.array([], pa.string())).shape == (5, 0)
    assert char_counts(pa.array(["", ""]))[0].tolist() == [0, 0]


def test_repeated_punctuation_and_mixed_script_equal_the_regex_counts():
    """Texts made of the characters both patterns turn on, so runs, run ends at text edges and
    every alternation are met; in slices too."""
    rng = random.Random(2)
    alphabet = list("!!??...... aé\n") + ["а", "Б", "α", "\u200b", "x"]
    for trial in range(30):
        texts = ["".join(rng.choices(alphabet, k=rng.randint(0, 40))) for _ in range(200)]
        texts += [""] * (trial % 3)
        arr = pa.array(texts)
        if trial % 2:
            arr = arr.slice(11, 150)
        want = pc.count_substring_regex(arr, REPEATED_PUNCT).to_numpy()
        np.testing.assert_array_equal(repeated_punctuation(arr), want)
        assert want.max() >= 2
        want = pc.count_substring_regex(arr, MIXED_SCRIPT).to_numpy()
        np.testing.assert_array_equal(mixed_script(arr, char_counts(arr)[4]), want)
        assert want.max() >= 2
    assert repeated_punctuation(pa.array([], pa.string())).shape == (0,)
    assert mixed_script(pa.array(["abc"]), np.zeros(1)).tolist() == [0]


def spaced_text(rng: random.Random) -> str:
    """Chains of single letters (of one to four bytes) and separators, broken off at random,
    between other characters: white space RE2 does and does not take for \\s, digits, marks."""
    letters, seps = ["a", "é", "Б", "𝐀", "ø"], [" ", " ", ".", "\n", "\t"]
    others = ["1", "-", "\r", "\f", "\x0b", "\u00a0", "\u2003", "\u0301", "🙂", "ab", "  ", "."]
    out = []
    for _ in range(rng.randint(0, 6)):
        if rng.random() < 0.7:
            for _ in range(rng.randint(2, 8)):
                out += [rng.choice(letters), rng.choice(seps if rng.random() < 0.8 else " .")]
            if rng.random() < 0.5:
                out.pop()
        else:
            out.append(rng.choice(others))
    return "".join(out)


def test_spaced_out_equals_the_regex_counts():
    """Arrow searches the rest of a text anew after each match, so `^` matches again where a
    match ended ("a.b.c.d.e\tf.g.h.i.j" is two); greedy repeats that must give back pairs."""
    rng = random.Random(3)
    for trial in range(40):
        arr = pa.array([spaced_text(rng) for _ in range(300)] + [""] * (trial % 3))
        if trial % 2:
            arr = arr.slice(7, 250)
        want = pc.count_substring_regex(arr, SPACED_OUT).to_numpy()
        np.testing.assert_array_equal(spaced_out(arr), want)
        assert want.sum() > 30 and want.max() >= 2
    hand = pa.array(
        ["a.b.c.d.e\tf.g.h.i.j", "W h a t s A p p", "a b c d", "1 a b c d e.", "", "é ø Б 𝐀 a"]
    )
    assert spaced_out(hand).tolist() == [2, 1, 0, 0, 0, 1]
    assert pc.count_substring_regex(hand, SPACED_OUT).to_pylist() == [2, 1, 0, 0, 0, 1]
    assert spaced_out(pa.array([], pa.string())).shape == (0,)


def test_spelling_rate_is_errors_over_checked_words_only():
    """Hand-counted: of the 16 tokens, the acronym, the number and the one-letter words are not
    checked, nor is one word of the own name (a capitalised unknown word, as any name would be);
    the 11 checked words hold 2 typos (techer, gardn); the own name is never an error. Divided by
    every token the rate would be 2/16."""
    from fakeprofile.features import ProfileFeatures

    record = {
        "profile_id": "x",
        "name": "Sindre Solberg",
        "about": "Sindre Solberg writes about NASA: the teacher techer has a gardn and a garden "
        "in 2024.",
    }
    got = ProfileFeatures().fit([record]).transform([record]).iloc[0]
    assert got["text_words_checked"] == 11
    assert got["text_spelling_error_rate"] == 2 / 11


# -- which texts are the member's own, which words are names, which language leads ---------------

TWO = [
    {
        "profile_id": "full",
        "name": "Sindre Solberg",
        "username": "sindre-s",
        "headline": "Lærer",
        "about": "Jeg underviser.",
        "location": "Bergen",
        "experience": [
            {"title": "T", "company": "Nordvik", "location": "Oslo", "description": "Rektor."},
            {"title": "U", "company": "Solvang", "description": "Vikar."},
        ],
        "education": [{"school": "NTNU"}],
        "invitation": {"message": "Hei!"},
    },
    {"profile_id": "empty"},
]


def test_own_texts_and_names_of_a_profile_by_hand():
    """The four texts a member wrote, and the names that are never spelling errors (own name,
    username, city, employers and their places, schools), hand-listed for a full and an empty
    profile."""
    from fakeprofile.features.frame import to_table
    from fakeprofile.features.text import names_of, own_texts

    table = to_table(TWO)
    texts = {k: v.to_pylist() for k, v in own_texts(table).items()}
    assert texts == {
        "headline": ["Lærer", None],
        "about": ["Jeg underviser.", None],
        "experience": ["Rektor. Vikar.", None],
        "note": ["Hei!", None],
    }
    assert names_of(table).to_pylist() == [
        "Sindre Solberg sindre-s Bergen Nordvik Solvang Oslo  NTNU",
        "     ",
    ]


@pytest.mark.parametrize(
    "about, lang",
    [
        ("I have been working as a teacher for many years and I love my job.", "en"),
        ("Jeg har arbejdet som lærer i mange år, og jeg elsker mit arbejde.", "da"),
        ("Ich arbeite seit vielen Jahren als Lehrer und liebe meine Arbeit.", "de"),
    ],
)
def test_the_main_language_is_the_one_of_the_checked_words(about, lang):
    """One-hot over the languages for a text in one of them (English is the first language, so
    an off-by-one in the language index shows there); NaN without a checked word."""
    from fakeprofile.features import ProfileFeatures
    from fakeprofile.features.lexicon import LANGS

    records = [{"profile_id": "x", "about": about}, {"profile_id": "none"}]
    got = ProfileFeatures().fit(records).transform(records)
    assert got.loc[0, [f"text_lang_{c}" for c in LANGS]].tolist() == [
        float(c == lang) for c in LANGS
    ]
    assert got.loc[1, [f"text_lang_{c}" for c in LANGS]].isna().all()


def test_share_of_capitals_and_emoji_per_100_characters_by_hand():
    """Over all the member's texts together: 4 capitals of 8 letters; 1 emoji in 11 characters
    (7 + 4: the texts' own characters, not the separators they are joined with)."""
    from fakeprofile.features import ProfileFeatures

    records = [{"profile_id": "x", "headline": "ABC def", "about": "Hi \U0001f642"}]
    got = ProfileFeatures().fit(records).transform(records).iloc[0]
    assert got["text_share_capitals"] == 0.5
    assert got["text_emoji_per_100_chars"] == pytest.approx(100 / 11, rel=1e-12)
