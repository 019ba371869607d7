"""Spelling error rate and language detection on hand-written text in six languages."""

import random
import re

import numpy as np
import pyarrow as pa
import pytest

from fakeprofile.features import spelling
from fakeprofile.features.spelling import error_rate, language_of
from fakeprofile.kernels import text as kernels_text
from fakeprofile.synth.generate import _typo
from spelling_texts import CLEAN

LANGS = sorted(CLEAN)


@pytest.mark.parametrize("lang", LANGS)
def test_clean_text_has_almost_no_errors(lang):
    assert error_rate(CLEAN[lang]) < 0.03


@pytest.mark.parametrize("lang", LANGS)
def test_language_is_detected_from_the_text(lang):
    assert language_of(CLEAN[lang]) == lang


def corrupt(text: str, p: float, rng: random.Random) -> str:
    """Replace a share p of the words of `text` with typos (swap, drop, double, substitute)."""
    words = text.split(" ")
    n_words = sum(1 for w in words if re.search(r"\w", w))
    eligible = [
        i for i, w in enumerate(words) if w.strip(".,!?").isalpha() and len(w.strip(".,!?")) > 2
    ]
    for i in rng.sample(eligible, round(p * n_words)):
        core = words[i].strip(".,!?")
        words[i] = words[i].replace(core, _typo(core, rng))
    return " ".join(words)


@pytest.mark.parametrize("p", [0.05, 0.1, 0.2])
@pytest.mark.parametrize("lang", LANGS)
def test_measured_rate_tracks_injected_typos(lang, p):
    rates = [error_rate(corrupt(CLEAN[lang], p, random.Random(seed))) for seed in range(20)]
    assert abs(sum(rates) / len(rates) - p) <= 0.03


@pytest.mark.parametrize(
    "word,lang_text",
    [
        ("arbejdsmarkedspolitik", "Jeg arbejder med {} og beskæftigelse i kommunen."),
        ("kundtjänstmedarbetare", "Jag har jobbat som {} i många år och trivs bra."),
        ("projectmanagementervaring", "Ik heb veel {} opgedaan bij verschillende bedrijven."),
        ("onboarding", "Jeg har ansvaret for {} af nye kolleger i afdelingen."),
        ("matchet", "Vi har {} dem med en fast mentor i afdelingen."),
        ("gematcht", "Wir haben die neuen Kollegen mit Mentoren {} und betreut."),
    ],
)
def test_compounds_and_inflected_loans_are_words(word, lang_text):
    assert error_rate(lang_text.format(word)) == 0.0


def test_non_words_are_ignored():
    text = (
        "Call +45 12 34 56 78 or mail anna.jensen@example.com, see https://example.com/x?y=1 "
        "and follow @annaj #hiring 2024 Q3 SQL KPI"
    )
    assert error_rate(text) == 0.0
    assert error_rate("Talk to me about hiring. https://qwxz.example/zzqq @qwxzk #zzqqxx") == 0.0


def test_names_are_not_punished():
    text = "I worked with Zbigniew Kowalczyk at Qvortrup Holding in Szczecin for three years."
    assert error_rate(text) == 0.0
    # The profile's own names are never counted, even lower-cased.
    assert error_rate("worked at qvortrup holding", names="Qvortrup Holding") == 0.0


def test_misspelled_words_are_counted():
    assert error_rate("I hvae wroked as a sofware enginer for ten yeras.") >= 0.4


def test_token_table_verdicts_do_not_depend_on_what_it_holds():
    """Verdicts kept from earlier chunks, or a table that starts afresh every chunk, give the
    counts a fresh table gives; a repeated chunk adds no tokens to the table."""
    rng = random.Random(3)
    chunk_a = [corrupt(CLEAN[lang], 0.2, rng) for lang in LANGS]
    chunk_b = [corrupt(CLEAN[lang], 0.1, rng) for lang in LANGS] + ["Dear Sir kindly WhatsApp"]

    def run(texts):
        names = pa.array(["Søren Kjær Vestas"] * len(texts))
        errors, checked, langs = spelling.spelling_errors([pa.array(texts)], names)
        return errors.tolist(), checked.tolist(), langs.tolist()

    spelling.token_table.cache_clear()
    fresh_a = run(chunk_a)
    spelling.token_table.cache_clear()
    fresh_b = run(chunk_b)
    table = spelling.token_table(2.0)
    size = len(table.words)
    assert run(chunk_b) == fresh_b and len(table.words) == size  # all met before
    assert run(chunk_a) == fresh_a and len(table.words) > size  # grown: b's verdicts kept
    assert run(chunk_b) == fresh_b
    table.capacity = 8  # grows many times in one chunk
    table.clear()
    assert run(chunk_a) == fresh_a and run(chunk_b) == fresh_b and run(chunk_a) == fresh_a
    table.limit = 10  # starts afresh on every chunk
    assert run(chunk_b) == fresh_b
    spelling.token_table.cache_clear()


def test_language_totals_equal_bincount_to_the_last_bit():
    """The compiled totals add in token order, as np.bincount with weights does."""
    rng = np.random.default_rng(5)
    scores = rng.uniform(0, 7, (300, 6)).astype(np.float32)
    scores[rng.random((300, 6)) < 0.5] = 0
    unit = np.sort(rng.integers(0, 90, 20_000))
    token_id = rng.integers(0, 300, 20_000).astype(np.int32)
    want = np.column_stack(
        [np.bincount(unit, weights=scores[token_id][:, k], minlength=100) for k in range(6)]
    )
    np.testing.assert_array_equal(kernels_text.language_totals(unit, token_id, scores, 100), want)


def test_texts_without_a_token_give_no_errors_no_checked_words_and_no_language():
    """Empty and missing texts, nothing in the names either: every count 0 and no language,
    shaped (texts, rows) like any other answer."""
    texts = [pa.array(["", None, " ,. "]), pa.array([None, None, ""], pa.string())]
    errors, checked, langs = spelling.spelling_errors(texts, pa.array(["", None, ""]))
    assert errors.tolist() == checked.tolist() == [[0, 0, 0], [0, 0, 0]]
    assert langs.tolist() == [[-1, -1, -1], [-1, -1, -1]]
