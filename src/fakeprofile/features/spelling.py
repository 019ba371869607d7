"""Spelling and language: the share of a profile's own words that are not words of their language.

Works column-wise with Arrow: all texts of a chunk are cleaned and split into tokens in C++ (RE2),
tokens are dictionary-encoded, and only the *distinct* tokens go through the (cached) Python word
check. Per text, the language is the one whose word list covers its tokens best; the error rate is
taken over the profile's words in the language of each text.

Not counted as words at all: numbers, URLs, e-mail addresses, @handles, #hashtags, acronyms in
capitals, the profile's own names (its name, employers, schools and places), and capitalised unknown
words that are not one edit away from a dictionary word (names of people, places and companies).
"""

from __future__ import annotations

import functools
import itertools

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fakeprofile.features.lexicon import LANGS, Lexicon, frequencies

# What is not a word: URLs, e-mail addresses, @handles, #hashtags, anything with a digit in it.
NOT_WORDS = r"(?i)(?:https?://|www\.)\S+|\S+@\S+\.\S+|[@#][\p{L}\p{N}_]+|\S*\p{N}\S*"
# Word separators: anything but letters, apostrophes and hyphens (stripped from word edges after).
SEPARATORS = r"[^\p{L}'’\-]+"
EDGE_MARKS = "-'’"

ERROR, OK, SKIP = 1, 0, -1


@functools.lru_cache(maxsize=4)
def lexicon(min_zipf: float = 2.0) -> Lexicon:
    """One shared Lexicon per process (word lists are large; load them once)."""
    return Lexicon(min_zipf=min_zipf)


def warm(min_zipf: float = 2.0) -> None:
    """Load every word list now (a few seconds), e.g. in a parent process before it forks workers,
    which then share the lists' memory instead of each loading its own copy."""
    lex = lexicon(min_zipf)
    for lang in LANGS:
        frequencies(lang)
        lex.words(lang)
        lex.parts(lang)
        lex.heads(lang)


def tokenize(texts: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """(index of the text each token comes from, tokens) for an Arrow string array."""
    cleaned = pc.replace_substring_regex(texts, NOT_WORDS, " ")
    tokens = pc.split_pattern_regex(cleaned, SEPARATORS)
    parents = pc.list_parent_indices(tokens).to_numpy()
    flat = pc.utf8_trim(pc.list_flatten(tokens), EDGE_MARKS)
    keep = pc.greater(pc.utf8_length(flat), 0)
    return parents[keep.to_numpy(zero_copy_only=False)], flat.filter(keep)


def _lang_scores(words: list[str]) -> np.ndarray:
    """Per distinct token: how typical it is of each language (Zipf frequency, 0 if unknown)."""
    out = np.zeros((len(words), len(LANGS)), dtype=np.float32)
    for k, lang in enumerate(LANGS):  # one C-level pass over the tokens per language
        out[:, k] = list(map(frequencies(lang).get, words, itertools.repeat(0.0)))
    return out


def detect_languages(
    unit: np.ndarray, token_id: np.ndarray, scores: np.ndarray, n_units: int
) -> np.ndarray:
    """Index into LANGS of each text unit's language (-1 for a text with no known words).

    A word counts for every language that knows it, weighted by how common it is there, so short
    function words (og, och, und, the) decide between close languages.
    """
    per_token = scores[token_id]
    totals = np.column_stack(
        [np.bincount(unit, weights=per_token[:, k], minlength=n_units) for k in range(len(LANGS))]
    )
    lang = totals.argmax(axis=1)
    lang[totals.max(axis=1) <= 0] = -1
    return lang


COMMON = 3.5  # Zipf frequency above which a word is taken as correct without further checks
TYPO_GAP = 2.5  # a rare word this much rarer than a one-edit neighbour is a typo of it ("teh")


def classify(word: str, lang: str, capitalised: bool, lex: Lexicon) -> int:
    """OK, ERROR or SKIP for one lower-case token in a text of language `lang`."""
    if len(word) < 2:
        return SKIP
    z = lex.zipf(word, lang)
    if z >= COMMON:
        return OK
    if lex.is_word(word, lang):  # rare word, English loan, inflected loan or compound
        if z > 0 and len(word) <= 6 and lex.neighbour_zipf(word, lang) >= z + TYPO_GAP:
            return ERROR  # corpora keep frequent typos of frequent words
        return OK
    if capitalised and not lex.near_word(word, lang):
        return SKIP  # a name of a person, place or company
    return ERROR


def spelling_errors(
    texts: list[pa.Array], names: pa.Array, min_zipf: float = 2.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Misspelled words, checked words and language index, each shaped (len(texts), rows).

    `texts` are several string arrays of the same rows (headline, about, ...); each text gets its
    own language. `names` holds, per row, the space-separated names of the profile (its name,
    employers, schools, places): their tokens are never counted. All texts go through one pass, so
    the Python word check sees each distinct token once per chunk.
    """
    k, n = len(texts), len(names)
    lex = lexicon(min_zipf)
    stacked = (
        pa.concat_arrays([pc.fill_null(t, "") for t in texts]) if k else pa.array([], pa.string())
    )
    unit, raw = tokenize(stacked)  # unit = text number * n + row
    name_row, name_raw = tokenize(pc.fill_null(names, ""))
    errors = np.zeros(k * n, dtype=np.int64)
    checked = np.zeros(k * n, dtype=np.int64)
    langs = np.full(k * n, -1, dtype=np.int64)
    if len(raw) == 0:
        return errors.reshape(k, n), checked.reshape(k, n), langs.reshape(k, n)

    lower = pc.utf8_lower(raw)
    first = pc.utf8_slice_codeunits(raw, 0, 1)
    capitalised = pc.utf8_is_upper(first).to_numpy(zero_copy_only=False)
    acronym = pc.and_(pc.utf8_is_upper(raw), pc.greater(pc.utf8_length(raw), 1))
    acronym = acronym.to_numpy(zero_copy_only=False)

    # One dictionary for text and name tokens: "is this a name of this profile" is an integer join.
    encoded = pc.dictionary_encode(pa.concat_arrays([lower, pc.utf8_lower(name_raw)]))
    vocab = encoded.dictionary.to_pylist()
    ids = encoded.indices.to_numpy()
    token_id, name_id = ids[: len(lower)], ids[len(lower) :]
    width = np.int64(len(vocab) + 1)
    row = (unit % n).astype(np.int64)
    is_name = np.isin(row * width + token_id, name_row.astype(np.int64) * width + name_id)

    langs = detect_languages(unit, token_id, _lang_scores(vocab), k * n)
    tok_lang = langs[unit]
    # Distinct (token, language, capitalised) triples go through the word check once each.
    key = (token_id.astype(np.int64) * (len(LANGS) + 1) + (tok_lang + 1)) * 2 + capitalised
    uniq, inverse = np.unique(key, return_inverse=True)
    verdict = np.empty(len(uniq), dtype=np.int8)
    for j, kk in enumerate(uniq.tolist()):
        rest, cap = divmod(kk, 2)
        tok, li = divmod(rest, len(LANGS) + 1)
        lang = LANGS[li - 1] if li > 0 else "en"
        verdict[j] = classify(vocab[tok], lang, bool(cap), lex)
    v = verdict[inverse]
    counted = (v != SKIP) & ~is_name & ~acronym
    errors = np.bincount(unit[counted & (v == ERROR)], minlength=k * n)
    checked = np.bincount(unit[counted], minlength=k * n)
    return errors.reshape(k, n), checked.reshape(k, n), langs.reshape(k, n)


def error_rate(text: str, names: str = "", min_zipf: float = 2.0) -> float:
    """Spelling error rate of one text (NaN without checkable words). For tests and notebooks."""
    e, c, _ = spelling_errors([pa.array([text])], pa.array([names]), min_zipf)
    return float(e[0, 0] / c[0, 0]) if c[0, 0] else float("nan")


def language_of(text: str) -> str | None:
    _, _, lang = spelling_errors([pa.array([text])], pa.array([""]))
    return LANGS[lang[0, 0]] if lang[0, 0] >= 0 else None
