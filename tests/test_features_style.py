"""Machine-written style (features/style.py): stock phrases, uniform sentences, repeated phrasing,
buzzword employers and careers over several countries, in all six languages; and honest profiles
written by hand here (not by the generator) that must not look machine-written."""

from __future__ import annotations

import numpy as np
import pytest

from fakeprofile.features import ProfileFeatures
from fakeprofile.synth.generate import GenConfig, make_profile
from fakeprofile.synth.lexicon import LANGUAGES

CFG = GenConfig(n=6000, with_photos=False)


@pytest.fixture(scope="module")
def generated():
    """Generated profiles with their features, and the kind and language of each."""
    records = [make_profile(i, CFG)[0] for i in range(3000)]
    X = ProfileFeatures(as_of="2026-06-30").fit_transform(records)
    kinds = np.array([r["segment"]["archetype"] for r in records])
    langs = np.array([r["segment"]["language"] for r in records])
    return X, kinds, langs


@pytest.mark.parametrize("lang", LANGUAGES)
def test_machine_style_is_read_in_every_language(generated, lang):
    X, kinds, langs = generated
    machine = X[(kinds == "machine_written") & (langs == lang)]
    honest = X[np.isin(kinds, ["active", "passive", "heavy_poster"]) & (langs == lang)]
    assert len(machine) >= 3 and len(honest) >= 20
    # The machine kind varies (several voices, plain sentences and specifics mixed in, local
    # careers and plausible employers in part), so these are shares and medians, measured.
    assert machine["style_generic_per_100_words"].median() > 3 * max(
        honest["style_generic_per_100_words"].median(), 0.5
    )
    assert (machine["style_generic_per_100_words"] > 3).mean() >= 0.9
    assert (honest["style_generic_per_100_words"].fillna(0) < 5).mean() > 0.95
    assert machine["style_generic_share"].median() > honest["style_generic_share"].median()
    # Half the machine-written careers hold invented firms (generate: invented ~ U(0, 1)); with
    # some ten such profiles per language, Danish measured 0.44 (4 of 9) after the merge.
    assert (machine["profile_employers_invented"] > 0).mean() >= 0.4
    assert (honest["profile_employers_invented"].fillna(0) == 0).mean() > 0.98
    assert machine["profile_positions_abroad"].mean() > honest["profile_positions_abroad"].mean()
    assert honest["profile_career_countries"].median() == 1


def _profile(headline: str, about: str, jobs: list[tuple[str, str, str]], location: str) -> dict:
    base = make_profile(5, CFG)[0]
    return {
        **base,
        "headline": headline,
        "about": about,
        "location": location,
        "experience": [
            {"title": "x", "company": c, "location": loc, "description": d, "start": "2019-01-01"}
            for c, loc, d in jobs
        ],
    }


# Written for this test in the style of a language model (not taken from the generator).
LLM = _profile(
    "Visionary Marketing Strategist | Empowering Brands to Thrive in the Digital Age",
    "Passionate and results-driven marketing strategist with over a decade of experience "
    "leveraging data-driven insights to drive meaningful engagement. I thrive in dynamic "
    "environments and am committed to fostering innovation and delivering impactful results. "
    "My holistic approach empowers organizations to unlock sustainable growth.",
    [
        ("Innovatech Solutions", "Toronto", "Spearheaded innovative campaigns that drove growth."),
        (
            "BrightPath Consulting",
            "Dubai",
            "Fostered cross-functional collaboration to drive results.",
        ),
        (
            "NexGen Dynamics",
            "Sydney",
            "Leveraged cutting-edge strategies to deliver impactful value.",
        ),
    ],
    "London",
)
# Honest, specific profiles written for this test.
HONEST = [
    _profile(
        "Payroll lead at Vestas",
        "I run payroll for 1,200 people in Aarhus and Ringkøbing. We moved from SAP HR to "
        "Workday in 2022. Before that, eight years at Danske Bank. Ask me about Danish holiday pay.",
        [
            ("Vestas", "Aarhus", "Payroll for DK and SE, 14 entities."),
            ("Danske Bank", "Copenhagen", ""),
        ],
        "Aarhus",
    ),
    _profile(
        "Bauingenieur bei Hochtief",
        "Seit 2015 plane ich Brücken in NRW, zuletzt die A45-Talbrücke bei Lüdenscheid. "
        "Ich arbeite mit Allplan und SOFiSTiK. Privat fahre ich Rennrad.",
        [
            ("Hochtief", "Essen", "Tragwerksplanung für drei Autobahnbrücken."),
            ("Ed. Züblin", "Stuttgart", ""),
        ],
        "Essen",
    ),
]


def test_hand_written_machine_profile_versus_honest_ones():
    pf = ProfileFeatures(as_of="2026-06-30").fit([make_profile(i, CFG)[0] for i in range(40)])
    X = pf.transform([LLM, *HONEST])
    llm, honest = X.iloc[0], X.iloc[1:]
    assert llm["style_generic_per_100_words"] > 10
    assert (honest["style_generic_per_100_words"] < 3).all()
    assert llm["style_specifics_per_100_words"] < honest["style_specifics_per_100_words"].min()
    assert llm["profile_employers_invented"] == 1
    assert (honest["profile_employers_invented"] == 0).all()
    assert llm["profile_career_countries"] == 4
    assert (honest["profile_career_countries"] == 1).all()
    assert llm["profile_positions_abroad"] == 1 and (honest["profile_positions_abroad"] == 0).all()
