"""Spelling and language: the share of a profile's own words that are not words of their language.

Works column-wise: all texts of a chunk are split into tokens in compiled code (kernels/tokens),
tokens are dictionary-encoded in Arrow, and only the *distinct* tokens go through the (cached)
Python word check. Per text, the language is the one whose word list covers its tokens best; the
error rate is taken over the profile's words in the language of each text.

Not counted as words at all: numbers, URLs, e-mail addresses, @handles, #hashtags, acronyms in
capitals, and capitalised unknown words that are not one edit away from a dictionary word (names of
people, places and companies). The profile's own names (its name, employers, schools and places)
are checked words but never errors, so the count of checked words does not depend on them.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fakeprofile.config import DEFAULTS
from fakeprofile.features.lexicon import LANGS, Lexicon, frequencies, load_tables
from fakeprofile.kernels import sets
from fakeprofile.kernels import text as kernels
from fakeprofile.kernels.tokens import tokenize

ERROR, OK, SKIP = 1, 0, -1
UNSEEN = -2  # no verdict yet


@functools.lru_cache(maxsize=4)
def lexicon(min_zipf: float = DEFAULTS.features.min_zipf) -> Lexicon:
    """One shared Lexicon per process (word lists are large; load them once)."""
    return Lexicon(min_zipf=min_zipf)


def warm(min_zipf: float = DEFAULTS.features.min_zipf) -> None:
    """Load every word list now, e.g. in a parent process before it forks workers,
    which then share the lists' memory instead of each loading its own copy."""
    load_tables()
    lex = lexicon(min_zipf)
    for lang in LANGS:
        lex.words(lang)
        lex.parts(lang)
        lex.heads(lang)
        lex.common(lang)


def _lang_scores(words: list[str]) -> np.ndarray:
    """Per distinct token: how typical it is of each language (Zipf frequency, 0 if unknown)."""
    out = np.zeros((len(words), len(LANGS)), dtype=np.float32)
    for k, lang in enumerate(LANGS):  # one C-level pass over the tokens per language
        out[:, k] = list(map(frequencies(lang).get, words, itertools.repeat(0.0)))
    return out


class TokenTable:
    """Every distinct token this process has met: its language scores and its verdict per
    (language, capitalised), kept across chunks.

    Most tokens of a chunk (the, og, und, Manager) were met in an earlier one; looking them up
    in one dict is cheaper than scoring them against six word lists and checking them again.
    At `limit` tokens the table starts afresh, so memory stays bounded on any stream; the
    verdicts do not depend on what the table holds."""

    def __init__(self, limit: int = 200_000, capacity: int = 1024):
        self.limit, self.capacity = limit, capacity
        self.clear()

    def clear(self) -> None:
        self.row: dict[str, int] = {}
        self.words: list[str] = []
        self.scores = np.zeros((self.capacity, len(LANGS)), dtype=np.float32)
        self.verdict = np.full((self.capacity, len(LANGS) + 1, 2), UNSEEN, dtype=np.int8)

    def rows(self, vocab: list[str]) -> np.ndarray:
        """Row of each word of `vocab` (distinct words), adding the words not met before."""
        if len(self.words) + len(vocab) > self.limit:
            self.clear()
        get = self.row.get
        rows = np.fromiter(map(get, vocab, itertools.repeat(-1)), np.int64, len(vocab))
        new = np.flatnonzero(rows < 0)
        if len(new):
            fresh = [vocab[i] for i in new.tolist()]
            start, stop = len(self.words), len(self.words) + len(fresh)
            if stop > len(self.scores):  # grow by doubling: few copies over a stream
                size = max(stop, 2 * len(self.scores))
                self.scores = np.resize(self.scores, (size, len(LANGS)))
                grown = np.full((size, len(LANGS) + 1, 2), UNSEEN, dtype=np.int8)
                grown[:start] = self.verdict[:start]
                self.verdict = grown
            self.scores[start:stop] = _lang_scores(fresh)
            self.row.update(zip(fresh, range(start, stop), strict=True))
            self.words.extend(fresh)
            rows[new] = np.arange(start, stop)
        return rows


@functools.lru_cache(maxsize=4)
def token_table(min_zipf: float = DEFAULTS.features.min_zipf) -> TokenTable:
    """One TokenTable per process and word-list cut-off (verdicts depend on the cut-off)."""
    return TokenTable()


def detect_languages(
    unit: np.ndarray, token_id: np.ndarray, scores: np.ndarray, n_units: int
) -> np.ndarray:
    """Index into LANGS of each text unit's language (-1 for a text with no known words).

    A word counts for every language that knows it, weighted by how common it is there, so short
    function words (og, och, und, the) decide between close languages.
    """
    totals = kernels.language_totals(unit, token_id, scores, n_units)
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
    texts: list[pa.Array], names: pa.Array, min_zipf: float = DEFAULTS.features.min_zipf
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
    # Texts and names in one pass; texts' tokens come first (unit = text number * n + row).
    unit, raw = tokenize(pa.concat_arrays([stacked, pc.fill_null(names, "").cast(stacked.type)]))
    at = int(np.searchsorted(unit, k * n))
    unit, name_row = unit[:at], unit[at:] - k * n
    errors = np.zeros(k * n, dtype=np.int64)
    checked = np.zeros(k * n, dtype=np.int64)
    langs = np.full(k * n, -1, dtype=np.int64)
    if at == 0:
        return errors.reshape(k, n), checked.reshape(k, n), langs.reshape(k, n)

    # Case is looked at once per distinct token as written (a chunk's 180,000 tokens are some
    # 15,000 forms): its lower case, and whether it is capitalised or an acronym. The lower-case
    # forms make one dictionary for text and name tokens, so "is this a name of this profile"
    # is an integer join.
    written = pc.dictionary_encode(raw)
    forms, form_id = written.dictionary, written.indices.to_numpy()
    first = pc.utf8_slice_codeunits(forms, 0, 1)
    capitalised = pc.utf8_is_upper(first).to_numpy(zero_copy_only=False).astype(np.int64)
    acronym = pc.and_(pc.utf8_is_upper(forms), pc.greater(pc.utf8_length(forms), 1))
    capitalised = capitalised[form_id[:at]]
    acronym = acronym.to_numpy(zero_copy_only=False)[form_id[:at]]
    encoded = pc.dictionary_encode(pc.utf8_lower(forms))
    vocab = encoded.dictionary.to_pylist()
    ids = encoded.indices.to_numpy()[form_id]
    token_id, name_id = ids[:at], ids[at:]
    # Only tokens that are some profile's name in this chunk need the (row, token) join.
    maybe = np.zeros(len(vocab), dtype=bool)
    maybe[name_id] = True
    cand = np.flatnonzero(maybe[token_id])
    width = np.int64(len(vocab) + 1)
    is_name = np.zeros(len(token_id), dtype=bool)
    is_name[cand] = sets.isin(
        (unit[cand] % n).astype(np.int64) * width + token_id[cand],
        name_row.astype(np.int64) * width + name_id,
    )

    table = token_table(min_zipf)
    vocab_row = table.rows(vocab)
    langs = detect_languages(unit, token_id, table.scores[vocab_row], k * n)
    tok_lang = langs[unit] + 1  # 0: no language (then checked as English)
    tok_row = vocab_row[token_id]
    v = table.verdict[tok_row, tok_lang, capitalised]
    todo = np.flatnonzero(v == UNSEEN)
    if len(todo):  # tokens not met before in this language: the word check, once per triple
        # One integer per (row, language, capitalised): its distinct values are the triples.
        width = len(LANGS) + 1
        key = sets.unique((tok_row[todo] * width + tok_lang[todo]) * 2 + capitalised[todo])
        row_of, lang_of, cap_of = key // 2 // width, key // 2 % width, key % 2
        words = table.words
        for r, li, cap in zip(row_of.tolist(), lang_of.tolist(), cap_of.tolist(), strict=True):
            lang = LANGS[li - 1] if li > 0 else "en"
            table.verdict[r, li, cap] = classify(words[r], lang, bool(cap), lex)
        v[todo] = table.verdict[tok_row[todo], tok_lang[todo], capitalised[todo]]
    # A profile's own names are never errors, but are checked words like any other: so the
    # number of checked words does not depend on the name or city (behavioural invariance).
    counted = (v != SKIP) & ~acronym
    errors = np.bincount(unit[counted & ~is_name & (v == ERROR)], minlength=k * n)
    checked = np.bincount(unit[counted], minlength=k * n)
    return errors.reshape(k, n), checked.reshape(k, n), langs.reshape(k, n)


def error_rate(text: str, names: str = "", min_zipf: float = DEFAULTS.features.min_zipf) -> float:
    """Spelling error rate of one text (NaN without checkable words). For tests and notebooks."""
    e, c, _ = spelling_errors([pa.array([text])], pa.array([names]), min_zipf)
    return float(e[0, 0] / c[0, 0]) if c[0, 0] else float("nan")


def language_of(text: str) -> str | None:
    _, _, lang = spelling_errors([pa.array([text])], pa.array([""]))
    return LANGS[lang[0, 0]] if lang[0, 0] >= 0 else None
