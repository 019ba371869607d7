"""kernels/tokens.py: the compiled tokenizer gives exactly the tokens its two regexes define."""

import random

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fakeprofile.kernels.tokens import NOT_WORDS, WORD, tokenize


def regex_tokenize(texts: pa.Array) -> tuple[list[int], list[str]]:
    """The definition tokenize() must meet: NOT_WORDS replaced by a space, then a split on
    anything but letters, apostrophes and hyphens, those marks cut off both ends, and what is
    left empty dropped."""
    cleaned = pc.replace_substring_regex(pc.fill_null(texts, ""), NOT_WORDS, " ")
    pieces = pc.split_pattern_regex(cleaned, f"[^{WORD}]+")
    parents = pc.list_parent_indices(pieces).to_numpy()
    flat = pc.utf8_trim(pc.list_flatten(pieces), "-'’").to_pylist()
    keep = [i for i, t in enumerate(flat) if t]
    return parents[keep].tolist(), [flat[i] for i in keep]


def check(arr: pa.Array) -> None:
    parents, tokens = tokenize(arr)
    want_parents, want_tokens = regex_tokenize(arr)
    assert tokens.to_pylist() == want_tokens
    assert parents.tolist() == want_parents


# Word characters, marks, separators and digits often; then every Unicode plane, with letters
# that take two, three and four bytes in UTF-8, combining marks and emoji.
POOL = list("abcXYZ-'’ .,!\n\t0@#/æøåÄÖß") * 30 + [
    chr(c)
    for c in [*range(0xA0, 0x800, 3), *range(0x800, 0xD800, 11), *range(0x10000, 0x110000, 211)]
]


def test_tokenize_gives_the_regex_split_on_random_unicode():
    rng = random.Random(7)
    for trial in range(30):
        arr = pa.array(["".join(rng.choices(POOL, k=rng.randint(0, 40))) for _ in range(200)])
        if trial % 3 == 1:  # a slice: the array starts part-way into its buffers
            arr = arr.slice(13, 150)
        check(arr)


# Pieces of what is not a word, in every case and cut short: URL starts (RE2 folds "s" and the
# long s "ſ" together), @ and # before word characters or not, e-mail parts, digits of other
# scripts (Arabic-Indic ٣, superscript ², Roman numeral Ⅻ), underscores; and words and marks.
PARTS = [
    *["http://", "https://", "HTTPS://", "hTtPſ://", "http:/", "https:", "www.", "WwW.", "ww."],
    *["@", "#", "@_", "#x", "a@b", "x@y.dk", "@.", ".", "..", "_", "1", "٣", "²", "Ⅻ", "0x"],
    *["anna", "Søren's", "e-mail", "’tis", "-", "'", "’", "é", "日本", "𝐀b", "K", "ﬆ"],
    *[" ", " ", " ", "\n", "\t", "\x0b", "\u00a0", ",", "!", "/", ":"],
]


def test_tokenize_gives_the_regex_split_on_urls_handles_mails_and_numbers():
    """Texts made of the pieces NOT_WORDS turns on, so that every alternative matches, fails
    part-way, and meets the others in one run of non-space characters."""
    rng = random.Random(11)
    for trial in range(60):
        arr = pa.array(["".join(rng.choices(PARTS, k=rng.randint(0, 12))) for _ in range(300)])
        if trial % 3 == 1:
            arr = arr.slice(5, 250)
        check(arr)


def test_tokenize_cuts_edge_marks_and_keeps_inner_ones():
    arr = pa.array(["", "-well-known' ’tis", "--- ''", "Søren's e-mail x@y.dk 2024", "", "ab"])
    parents, tokens = tokenize(arr)
    assert tokens.to_pylist() == ["well-known", "tis", "Søren's", "e-mail", "ab"]
    assert parents.tolist() == [1, 1, 3, 3, 5]
    empty_parents, empty = tokenize(pa.array([], pa.string()))
    assert len(empty) == 0 and len(empty_parents) == 0
    assert len(tokenize(pa.array(["", " ... "]))[1]) == 0
    assert isinstance(parents, np.ndarray)


def test_tokenize_drops_what_is_not_a_word():
    arr = pa.array(
        [
            "see https://x.dk/a or www.Example.com now",
            "mail anna.j@ex.com, @annaj #hiring_2024 q3 x#y",
            "hTtPſ://x ok",
            None,
        ]
    )
    parents, tokens = tokenize(arr)
    assert tokens.to_pylist() == ["see", "or", "now", "mail", "x", "ok"]
    assert parents.tolist() == [0, 0, 0, 1, 1, 2]
