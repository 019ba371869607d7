"""features/invitation.py: the packed-counter canned-note similarity equals the plain definition."""

import random
import re

from fakeprofile.features.invitation import (
    CANNED,
    canned_similarities,
    canned_similarity,
    normalise,
)


def reference_similarity(text: str) -> float:
    """The definition: highest Jaccard similarity of trigram sets, over every canned text."""

    def grams(s: str) -> set[str]:
        s = f"  {s} "
        return {s[i : i + 3] for i in range(len(s) - 2)}

    key = re.sub(r"\s+", " ", re.sub(r"[^\w' ]+", " ", text.lower())).strip()
    if not key:
        return 0.0
    g = grams(key)
    return max(len(g & grams(c)) / len(g | grams(c)) for c in CANNED)


def notes(n: int, seed: int) -> list[str]:
    """Canned texts, edited copies, mixes of their words with others, and random Unicode."""
    rng = random.Random(seed)
    words = " ".join(CANNED).split() + ["WhatsApp", "crypto", "Søren", "!!", "😀", "ﬁ", "İstanbul"]
    pool = [chr(c) for c in [*range(32, 127), *range(0xA0, 0x2000, 7), 0x1F600]]
    # Whitespace of every kind, the characters a key keeps besides letters and digits, and
    # letters whose lower case is longer than themselves (İ -> i̇).
    pool += ["\t", "\n", "\u00a0", "\u2003", "\u3000", "_", "'", "İ", "ẞ", "²", "٣"] * 5
    out = ["", " ", "...", "'", *CANNED, *(c.upper() + "!" for c in CANNED)]
    for _ in range(n):
        kind = rng.randrange(3)
        if kind == 0:
            c = rng.choice(CANNED)
            i = rng.randrange(len(c))
            out.append(c[:i] + rng.choice(pool) + c[i + 1 :])
        elif kind == 1:
            out.append(" ".join(rng.choices(words, k=rng.randint(1, 30))))
        else:
            out.append("".join(rng.choices(pool, k=rng.randint(0, 80))))
    return out


def test_canned_similarities_equal_the_definition():
    texts = notes(3000, seed=5)
    got = canned_similarities(texts)
    want = [reference_similarity(t) for t in texts]
    assert got.tolist() == want  # exactly: the same ratios of the same integers
    assert got[texts.index(CANNED[3])] == 1.0


def test_canned_similarity_of_one_note_and_of_none():
    assert canned_similarity("") == 0.0
    assert canned_similarity("I'd like to connect with you!") == 1.0
    assert 0.0 < canned_similarity("Hi, I would like to connect with you") < 1.0
    assert canned_similarities([]).shape == (0,)


def test_normalise_maps_look_alikes_and_joins_spaced_letters():
    assert normalise("WhatsАpp me") == "WhatsApp me"  # Cyrillic А
    assert normalise("ping me on W h a t s A p p now") == "ping me on WhatsApp now"
    assert normalise("plain ascii, a b c stays") == "plain ascii, a b c stays"
    assert normalise("Søren, αβ") == "Søren, aβ"  # Greek alpha is a look-alike, beta is not
