"""Each feature kernel (src/fakeprofile/kernels) against the maintained alternative that gives the
same values: CPU milliseconds per chunk of 2,500 generated profiles without photos (the chunk
size scoring uses), best of five, in this one process. The figures of docs/scaling.md's engine
table. Run: python benchmarks/engines.py [n]  (n generated profiles, default 10,000).
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fakeprofile.features import ProfileFeatures, invitation, text
from fakeprofile.features.frame import to_table
from fakeprofile.kernels import sets, tokens
from fakeprofile.synth.generate import GenConfig, make_profile

CHUNK = 2_500


def cpu_ms(fn: Callable[[], object], repeat: int = 5) -> float:
    """Best CPU time of `repeat` calls, in ms (after one unmeasured call)."""
    fn()
    best = float("inf")
    for _ in range(repeat):
        c0 = time.process_time()
        fn()
        best = min(best, time.process_time() - c0)
    return 1000 * best


def regex_tokenize(texts: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """The tokenizer's definition in Arrow regexes (tests/test_kernels_tokens.py)."""
    cleaned = pc.replace_substring_regex(pc.fill_null(texts, ""), tokens.NOT_WORDS, " ")
    pieces = pc.split_pattern_regex(cleaned, f"[^{tokens.WORD}]+")
    flat = pc.utf8_trim(pc.list_flatten(pieces), "-'’")
    keep = pc.greater(pc.binary_length(flat), 0)
    return pc.list_parent_indices(pieces).filter(keep).to_numpy(), flat.filter(keep)


def python_canned(notes: list[str]) -> np.ndarray:
    """Canned-note similarity with Python strings and sets (tests/test_features_invitation.py)."""
    canned = [{f"  {c} "[i : i + 3] for i in range(len(c) + 1)} for c in invitation.CANNED]
    out = np.zeros(len(notes))
    for k, note in enumerate(notes):
        key = re.sub(r"\s+", " ", re.sub(r"[^\w' ]+", " ", note.lower())).strip()
        if key:
            g = {f"  {key} "[i : i + 3] for i in range(len(key) + 1)}
            out[k] = max(len(g & c) / len(g | c) for c in canned)
    return out


def main(n: int = 10_000) -> None:
    cfg = GenConfig(n=n, seed=321, with_photos=False)
    table = to_table([make_profile(i, cfg)[0] for i in range(n)])
    chunk = table.slice(0, CHUNK)
    everything = pc.binary_join_element_wise(
        *[pc.fill_null(t, "") for t in text.own_texts(chunk).values()], "\n"
    )
    notes = pc.fill_null(pc.struct_field(chunk.column("invitation"), "message"), "")
    distinct = pc.unique(notes).to_pylist()
    rows = []

    def pair(engine: str, ours: Callable, theirs: Callable, alternative: str) -> None:
        rows.append((engine, cpu_ms(ours), alternative, cpu_ms(theirs)))

    pair(
        "kernels/tokens (tokenizer)",
        lambda: tokens.tokenize(everything),
        lambda: regex_tokenize(everything),
        "Arrow regex replace + split",
    )
    pair(
        "kernels/utf8 + text.class_counts (5 character classes)",
        lambda: text.char_counts(everything),
        lambda: [pc.count_substring_regex(everything, p) for p in text.CHAR_CLASSES],
        "Arrow count_substring_regex, one per class",
    )
    pair(
        "kernels/text.spaced_out",
        lambda: text.spaced_out(everything),
        lambda: pc.count_substring_regex(everything, text.SPACED_OUT),
        "Arrow count_substring_regex",
    )
    pair(
        "kernels/grams (canned-note trigrams)",
        lambda: invitation.canned_similarities(distinct),
        lambda: python_canned(distinct),
        "Python re + set",
    )
    # The sort-based set operations, in the whole feature extraction (they are called in several
    # families): per chunk with kernels/sets and with np.unique / np.isin put in their place.
    pf = ProfileFeatures(as_of="2026-06-30").fit(table.slice(0, 2000))
    chunks = [table.slice(i, CHUNK) for i in range(0, n, CHUNK)]

    def all_chunks() -> None:
        for c in chunks:
            pf.transform(c)

    all_chunks()  # every token met once, as in a long run
    ours = cpu_ms(all_chunks, 3) / len(chunks)
    unique, isin = sets.unique, sets.isin
    sets.unique, sets.isin = np.unique, np.isin
    try:
        theirs = cpu_ms(all_chunks, 3) / len(chunks)
    finally:
        sets.unique, sets.isin = unique, isin
    rows.append(
        ("kernels/sets (in all of ProfileFeatures.transform)", ours, "np.unique, np.isin", theirs)
    )

    print(f"CPU ms per chunk of {CHUNK:,} generated profiles (best of several runs)")
    print("| engine | ms | maintained alternative | ms |")
    print("|---|---|---|---|")
    for engine, a, alt, b in rows:
        print(f"| {engine} | {a:.1f} | {alt} | {b:.1f} |")
    print(
        f"feature extraction in all: {ours:.0f} ms per chunk, {CHUNK / ours * 1000:,.0f} rows "
        "per CPU second"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
