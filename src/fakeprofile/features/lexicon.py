"""Which strings are words of a language: dictionary look-up, compounds and loan words.

The word lists are wordfreq's (Speer et al.), a maintained frequency list built from large, mixed
corpora (Wikipedia, subtitles, news, web text) for every language we need. Frequencies let us cut off
the long tail, where corpora keep common typos ("recieve", "teh"); the cut-off is a parameter.

Members of the network write the way people do, so a word that is not in the list is not yet a
misspelling:
- Danish, Swedish, Norwegian, Dutch and German glue words into compounds that no list can hold
  (arbejdsmarkedspolitik, kundtjänstmedarbetare): a word that splits into known words, with the
  language's linking letters (-s-, -e-, -n-, ...) between them, is a word.
- English terms are borrowed and inflected in the host grammar (onboardingen, gematcht, matchede).
- wordfreq's Danish list is small, and Danish and Norwegian Bokmål share most of their spelling, so
  Danish text is also checked against the Bokmål list.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator

import wordfreq

from fakeprofile.config import DEFAULTS

LANGS = ("en", "da", "sv", "nb", "nl", "de")
COMPOUNDING = frozenset({"da", "sv", "nb", "nl", "de"})

# Linking elements between compound parts, and inflectional endings a borrowed or compound word can
# take. Short lists of the productive ones are enough: a miss costs one false "misspelled".
LINKS = {
    "da": ("", "s", "e"),
    "sv": ("", "s", "e", "a", "u", "o"),
    "nb": ("", "s", "e"),
    "nl": ("", "s", "e", "en", "n"),
    "de": ("", "s", "es", "n", "en", "e", "er"),
    "en": ("",),
}
SUFFIXES = {
    "en": ("s", "es", "ed", "ing", "er", "ers", "'s"),
    "da": (
        "e",
        "en",
        "et",
        "er",
        "ere",
        "erne",
        "ene",
        "ede",
        "es",
        "s",
        "ens",
        "ets",
        "ing",
        "ingen",
        "ningen",
        "nde",
        "ende",
    ),
    "sv": (
        "a",
        "ar",
        "at",
        "ade",
        "en",
        "et",
        "er",
        "erna",
        "na",
        "s",
        "ens",
        "ets",
        "n",
        "t",
        "arna",
        "orna",
        "ande",
        "ning",
        "ningen",
    ),
    "nb": ("e", "en", "et", "er", "ene", "ere", "ede", "es", "s", "a", "ingen", "ende"),
    "nl": ("s", "en", "e", "de", "den", "te", "ten", "t", "'s", "er", "ers", "ing", "ingen"),
    "de": ("e", "en", "er", "es", "s", "n", "t", "te", "ten", "st", "em", "ern", "ung", "ungen"),
}
PREFIXES = {"de": ("ge",), "nl": ("ge",)}
# SUFFIXES by length, shortest first: a word ends in at most one suffix of each length, so one
# set lookup per length finds them all.
ENDINGS = {
    lang: tuple(
        (size, frozenset(s for s in suffixes if len(s) == size))
        for size in sorted({len(s) for s in suffixes})
    )
    for lang, suffixes in SUFFIXES.items()
}

MIN_PART = 4  # shortest compound part; shorter ones make almost any typo "decompose"
MIN_COMPOUND = 8  # shorter words are not split into compounds
SHORT_WORD = 4  # words this short must be common to count (corpora keep many short typos)


def _buckets(lang: str) -> Iterator[tuple[float, list[str]]]:
    """wordfreq's list for `lang` as (Zipf frequency, its words), commonest first. wordfreq
    stores frequencies in a few hundred such buckets, and keeps the list once loaded."""
    for index, bucket in enumerate(wordfreq.get_frequency_list(lang, "best")):
        yield math.log10(wordfreq.cB_to_freq(-index)) + 9, bucket


@functools.cache
def frequencies(lang: str) -> dict[str, float]:
    """word -> Zipf frequency for `lang` (loaded once per process).

    Equal values share one float object: that saves memory, and forked workers that read the
    table then write to (and so copy) only those few objects' reference counts, not a page per
    word. The table is built a bucket at a time (one C-level update per bucket, not a Python
    step per word: half the start-up), with exactly the values and order of
    wordfreq.get_frequency_dict, where a later bucket wins."""
    canon: dict[float, float] = {}
    out: dict[str, float] = {}
    for z, bucket in _buckets(lang):
        out.update(dict.fromkeys(bucket, canon.setdefault(z, z)))
    return out


def load_tables() -> None:
    """Read every language's frequency table now (the slowest part of starting to score), e.g.
    while waiting for a child process that fetches the model."""
    for lang in LANGS:
        frequencies(lang)


class Lexicon:
    """Membership tests for the six languages, with a frequency floor for each use.

    `min_zipf`: a word of the text's own language is a word if its Zipf frequency is at least this.
    `part_zipf`: compound parts and stems must be common words (at least this), so typos do not
    split into rare fragments. `loan_zipf`: English words borrowed into another language.
    """

    def __init__(
        self,
        min_zipf: float = DEFAULTS.features.min_zipf,
        part_zipf: float = 3.0,
        loan_zipf: float = 3.0,
    ):
        self.min_zipf, self.part_zipf, self.loan_zipf = min_zipf, part_zipf, loan_zipf
        self._words: dict[str, frozenset[str]] = {}
        self._parts: dict[str, frozenset[str]] = {}
        self._heads: dict[str, frozenset[str]] = {}
        self._common: dict[str, tuple[frozenset[str], ...]] = {}

    def words(self, lang: str) -> frozenset[str]:
        if lang not in self._words:
            ws = {
                w
                for w, z in frequencies(lang).items()
                if z >= (self.part_zipf if len(w) <= SHORT_WORD else self.min_zipf)
            }
            if lang == "da":
                ws |= {w for w, z in frequencies("nb").items() if z >= self.part_zipf}
            self._words[lang] = frozenset(ws)
        return self._words[lang]

    def parts(self, lang: str) -> frozenset[str]:
        """Common words that may stand as a compound part or a stem in `lang`."""
        if lang not in self._parts:
            ws = {
                w
                for w, z in frequencies(lang).items()
                if z >= self.part_zipf and len(w) >= MIN_PART
            }
            if lang == "da":
                ws |= {
                    w
                    for w, z in frequencies("nb").items()
                    if z >= self.part_zipf and len(w) >= MIN_PART
                }
            if lang != "en":
                ws |= {
                    w
                    for w, z in frequencies("en").items()
                    if (z >= self.loan_zipf and len(w) >= MIN_PART)
                    or (z >= self.min_zipf and len(w) >= MIN_COMPOUND)
                }
            self._parts[lang] = frozenset(ws)
        return self._parts[lang]

    def common(self, lang: str) -> tuple[frozenset[str], ...]:
        """Sets whose union is every word at least `min_zipf` common in `lang` (Danish: or in
        Bokmål), the words `near_word` looks for among a word's edits.

        As sets, "is any of these few hundred edits such a word" runs in C and stops at the
        first one found: much cheaper than looking each edit up in the frequency tables, which
        hold three times as many words. The word list is most of them (all of it, when short
        words need the higher `part_zipf`), so only the rest is stored again: a quarter of the
        memory of storing them all."""
        if lang not in self._common:
            # The word list holds every word at least `part_zipf` common when that is the
            # higher floor. Only the buckets between the two floors are read, not the whole
            # tables (two million words, read at every start).
            reuse = self.part_zipf >= self.min_zipf
            words, top = (self.words(lang), self.part_zipf) if reuse else (frozenset(), math.inf)
            found: set[str] = set()
            for k in self._langs(lang):
                for z, bucket in _buckets(k):
                    if z < self.min_zipf:
                        break  # commonest first
                    if z < top:
                        found.update(bucket)
            # (wordfreq's lists name each word once, so its bucket is its frequency; the test
            # against the frequency tables would tell if that changed.)
            self._common[lang] = (words, frozenset(found.difference(words)))
        return self._common[lang]

    def is_word(self, word: str, lang: str) -> bool:
        """Is lower-case `word` correct in `lang` (directly, inflected, borrowed or compounded)?"""
        return self._is_word(word, lang)

    @functools.lru_cache(maxsize=200_000)  # noqa: B019 - one Lexicon per process, bounded cache
    def _is_word(self, word: str, lang: str) -> bool:
        if word in self.words(lang):
            return True
        if lang != "en" and self._is_loan(word, lang):
            return True
        if "-" in word or "'" in word or "’" in word:
            pieces = [p for p in word.replace("’", "'").replace("'", "-").split("-") if p]
            return bool(pieces) and all(len(p) < 2 or self._is_word(p, lang) for p in pieces)
        if lang in COMPOUNDING and len(word) >= MIN_COMPOUND:
            return self._compound(word, lang, 0)
        return False

    def _is_loan(self, word: str, lang: str) -> bool:
        # Borrowed English words are long (onboarding, stakeholder); short English words that
        # are not also words of the host language are far more often typos (jg, fro, deem).
        # Long English words are rarely typos of anything, so a lower floor serves them.
        z = frequencies("en").get(word, 0.0)
        if z >= self.loan_zipf and (len(word) > SHORT_WORD or z >= 5.0):
            return True
        if len(word) >= MIN_COMPOUND and z >= self.min_zipf:
            return True
        for pre in PREFIXES.get(lang, ()):  # gematcht, geupdatet
            if word.startswith(pre) and self._inflected(word[len(pre) :], lang, english_only=True):
                return True
        return self._inflected(word, lang, english_only=True)

    def _inflected(self, word: str, lang: str, english_only: bool) -> bool:
        """`word` = a common stem of at least MIN_PART letters + an inflectional ending of `lang`.

        Full words of the language are in its list already with their endings, so for them only
        English stems are tried (onboardingen, matchede); compound tails may inflect own stems.
        """
        en = frequencies("en")
        parts = None if english_only else self.parts(lang)
        for size, endings in ENDINGS[lang]:
            if len(word) < size + MIN_PART:
                break  # the stem would be too short, and with longer endings shorter still
            if word[-size:] in endings:
                stem = word[:-size]
                if len(stem) > SHORT_WORD and en.get(stem, 0.0) >= self.loan_zipf + 0.5:
                    return True
                if parts is not None and stem in parts:
                    return True
        return False

    def _compound(self, word: str, lang: str, depth: int) -> bool:
        """Split `word` into known parts joined by linking letters (at most 4 parts)."""
        if depth >= 4 or word[:MIN_PART] not in self.heads(lang):
            return False  # too deep, or no known part starts this way: no head can match
        parts, words = self.parts(lang), self.words(lang)
        n = len(word)
        for i in range(n - MIN_PART, MIN_PART - 1, -1):  # longest head first
            head = word[:i]
            if head not in parts and not (i >= 5 and head in words):
                continue
            for link in LINKS[lang]:
                rest = word[i + len(link) :] if word.startswith(link, i) else None
                if rest is None or len(rest) < MIN_PART:
                    continue
                if rest in parts or (len(rest) >= 5 and rest in words):
                    return True
                if self._inflected(rest, lang, english_only=False) or self._compound(
                    rest, lang, depth + 1
                ):
                    return True
        return False

    def zipf(self, word: str, lang: str) -> float:
        z = frequencies(lang).get(word, 0.0)
        return max(z, frequencies("nb").get(word, 0.0)) if lang == "da" else z

    @staticmethod
    def edit_lists(word: str) -> Iterator[list[str]]:
        """The strings one edit from `word`, cheapest kind first, each kind made only when
        asked for: drops and swaps (about 2n), substitutions (about 33n), insertions (about
        33n). `word` itself is in none of them; a string may come twice ("hello" less either
        l). Lists, not sets: looking them up in the word sets hashes each string once, where
        building a set first would hash and insert it too."""
        letters = "abcdefghijklmnopqrstuvwxyzæøåäöüß"
        splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
        yield [a + b[1:] for a, b in splits if b] + [
            a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1 and b[0] != b[1]
        ]
        tails = [(a, b[0], b[1:]) for a, b in splits if b]
        yield [a + c + tail for a, first, tail in tails for c in letters if c != first]
        yield [a + c + b for a, b in splits for c in letters]

    @classmethod
    def edit_stages(cls, word: str) -> Iterator[set[str]]:
        """edit_lists as sets."""
        for edits in cls.edit_lists(word):
            yield set(edits)

    @classmethod
    def edits(cls, word: str) -> set[str]:
        """Every string one swap, drop, insertion or substitution away from `word`."""
        return set().union(*cls.edit_stages(word))

    def _langs(self, lang: str) -> tuple[str, ...]:
        # Danish also takes Bokmål's frequencies, as zipf() does.
        return (lang, "nb") if lang == "da" else (lang,)

    @functools.lru_cache(maxsize=100_000)  # noqa: B019
    def neighbour_zipf(self, word: str, lang: str) -> float:
        """Zipf frequency of the most common word one edit away from `word` (0 if none)."""
        edits = self.edits(word)
        # Set intersection with a word list runs in C over the few hundred edits, instead of a
        # Python call per edit.
        found = [
            frequencies(k)[e] for k in self._langs(lang) for e in edits & frequencies(k).keys()
        ]
        return max(found, default=0.0)

    def heads(self, lang: str) -> frozenset[str]:
        """First MIN_PART letters of every word a compound can start with (see `_compound`)."""
        if lang not in self._heads:
            self._heads[lang] = frozenset(
                {p[:MIN_PART] for p in self.parts(lang)}
                | {w[:MIN_PART] for w in self.words(lang) if len(w) >= 5}
            )
        return self._heads[lang]

    @functools.lru_cache(maxsize=50_000)  # noqa: B019
    def near_word(self, word: str, lang: str) -> bool:
        """Is `word` one edit from a word of `lang` (compounds included)?

        Used for capitalised unknown words: a near miss of a word is a typo (German capitalises
        every noun), anything else is taken for a name of a person, place or company.

        The edits are looked up in the word sets cheapest kind first (see edit_lists), and
        only then, if none is a word, tried as compounds, again drops and swaps first. A set
        lookup is far cheaper than a compound check, and two typos in five are one substitution
        or insertion from a plain word (measured on generated data): checking every kind
        against the word sets first lowered the mean cost of this test, with the same answers.
        """
        compounding = lang in COMPOUNDING and len(word) > MIN_COMPOUND
        common = self.common(lang)
        stages = []
        for stage in self.edit_lists(word):
            if not all(words.isdisjoint(stage) for words in common):
                return True
            stages.append(stage)
        # _compound rules out most edits of a name at once: no known part starts them (its
        # first test, made here before the call).
        heads = self.heads(lang)
        return compounding and any(
            self._compound(e, lang, 0)
            for stage in stages
            for e in stage
            if len(e) >= MIN_COMPOUND and e[:MIN_PART] in heads
        )
