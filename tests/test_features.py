"""ProfileFeatures: missing input gives NaN, never a made-up 0, for every feature built from
input. The checks run over the featurizer's own list of features and every field of a record,
so a new feature or input field is covered without being named here."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest

from fakeprofile.data.schema import ACTIVITY_NAMES, SECTION_NAMES
from fakeprofile.features import ProfileFeatures, evasion

# Features that are defined when their input is absent, and why. Everything else must be NaN.
DEFINED_WHEN_ABSENT = {
    # Presence itself is the signal: no photo, no headline, ... is 1 / 0, not unknown.
    "photo_missing": "no photo path and no has_photo flag: no photo",
    **{
        f"profile_has_{k}": "an absent text is not there"
        for k in ("name", "headline", "about", "location", "website")
    },
    "profile_headline_length": "an absent headline has no characters",
    "profile_about_length": "an absent about text has no characters",
    "profile_share_sections_filled": "headline, about and location count as known-empty",
    # An invitation without a message: "no personal note" is a red flag of its own.
    "invite_has_note": "an invitation without a message has no note",
    # Text the member did not write holds no words and no tricks.
    "text_words_checked": "no text, no words",
    "text_repeated_punctuation": "no text, no punctuation",
    "text_evasion_zero_width": "no text, no hidden characters",
    "text_evasion_mixed_script": "no text, no mixed scripts",
    "text_evasion_spaced_letters": "no text, no spaced-out letters",
    "text_evasion": "no text, no evasion",
    # The note's tricks (docs/features.md: "0 without a note"), counted like the three above.
    **{f"text_evasion_note_{t}": "no note, no trick undone in it" for t in evasion.TRICKS},
}


# Features that may become 0 when one field inside a list item is dropped, and why.
ZERO_WITHOUT_ITEM_FIELD = {
    # Overlaps are counted among the dated positions (completeness._career): a position without
    # a start overlaps nothing that is known, so the full record's one overlap goes. A finding
    # left as it is (changing it would move the model): with no start at all the count is 0,
    # not NaN.
    "start": {"profile_overlapping_positions"},
}


def full_record() -> dict:
    """A record with every field given and every number and count above zero."""
    return {
        "profile_id": "full",
        "name": "Ingrid Hansen",
        "username": "ingrid-hansen",
        "headline": "Senior regnskapsfører i Bergen",
        "location": "Bergen",
        "website": "https://example.org",
        "created_at": "2019-03-01",
        "photo": "p.jpg",
        "has_photo": True,
        "about": "Jeg har jobbet som regnskapsfører i mange år, og liker å løse problemer!!",
        "experience": [
            {
                "title": "Regnskapsfører",
                "company": "Nordvik Data",
                "location": "Bergen",
                "start": "2015-01-01",
                "end": None,
                "description": "Ansvarlig for budsjett.",
            },
            {
                "title": "Konsulent",
                "company": "Solvang",
                "location": "Oslo",
                "start": "2010-01-01",
                "end": "2015-06-01",
                "description": None,
            },
        ],
        "education": [
            {
                "school": "NHH",
                "degree": "Master",
                "field": "økonomi",
                "start": "2005-08-01",
                "end": "2010-06-01",
            }
        ],
        "skills": ["Excel", "SQL"],
        "languages": ["nb", "en"],
        "sections": {s: 2 for s in SECTION_NAMES},
        "connections": 300,
        "followers": 410,
        "following": 120,
        "activity": {**{n: 3 for n in ACTIVITY_NAMES}, "window_days": 90},
        "invitation": {
            "message": "Hei Kari, vi møttes på konferansen i Bergen. Kontakt meg på "
            "kari@example.org eller https://example.org – haster!",
            "sent_at": "2026-06-01T10:00:00Z",
            "mutual_connections": 4,
            "invitations_sent_last_7d": 6,
            "acceptance_rate": 0.7,
        },
    }


def leaf_paths(record: dict, prefix: tuple = ()) -> list[tuple]:
    """Every field of the record, nested objects included, and every field of every object in
    a list (a position's start date, say)."""
    out = []
    for k, v in record.items():
        if k == "profile_id":
            continue
        out.append((*prefix, k))
        if isinstance(v, dict):
            out += leaf_paths(v, (*prefix, k))
        elif isinstance(v, list):
            for i, item in enumerate(v):
                if isinstance(item, dict):
                    out += leaf_paths(item, (*prefix, k, i))
    return out


def without(record: dict, path: tuple) -> dict:
    r = copy.deepcopy(record)
    parent = r
    for k in path[:-1]:
        parent = parent[k]
    del parent[path[-1]]
    return r


@pytest.fixture(scope="module")
def featurizer():
    return ProfileFeatures(as_of="2026-06-30").fit([full_record()])


def made_up(featurizer: ProfileFeatures) -> dict[str, float]:
    """Features with a value for a record with nothing but an id (input missing, so NaN due)."""
    names = list(featurizer.get_feature_names_out())
    got = featurizer.transform([{"profile_id": "empty"}]).iloc[0]
    return {n: got[n] for n in names if n not in DEFINED_WHEN_ABSENT and not math.isnan(got[n])}


def zeroed(featurizer: ProfileFeatures, path: tuple) -> list[str]:
    """Features that are 0 without the field at `path` though not 0 with it."""
    both = featurizer.transform([full_record(), without(full_record(), path)])
    full, got = both.iloc[0], both.iloc[1]
    allowed = ZERO_WITHOUT_ITEM_FIELD.get(path[-1], set()) if len(path) > 2 else set()
    return [
        n
        for n in got.index
        if got[n] == 0 and full[n] != 0 and n not in DEFINED_WHEN_ABSENT and n not in allowed
    ]


def test_a_record_with_nothing_but_an_id_has_only_nan_features(featurizer):
    names = list(featurizer.get_feature_names_out())
    assert set(DEFINED_WHEN_ABSENT) <= set(names), "stale exception list"
    assert made_up(featurizer) == {}, "features with a value though their input is missing"


@pytest.mark.parametrize("path", leaf_paths(full_record()), ids=lambda p: ".".join(map(str, p)))
def test_dropping_a_field_never_makes_a_feature_zero(featurizer, path):
    """With one field missing, a feature that moved must be NaN, not 0 (a missing count read
    as none, say). Features defined on absence may move to 0."""
    assert zeroed(featurizer, path) == [], f"missing {'.'.join(map(str, path))} became 0"


def test_the_full_record_gives_nonzero_inputs(featurizer):
    """The checks above are only as good as the full record: its counts must not be 0."""
    got = featurizer.transform([full_record()]).iloc[0]
    for name in (
        "activity_followers",
        "activity_posts",
        "profile_n_interests",
        "invite_mutual_connections",
        "invite_sent_last_7d",
        "activity_total_per_30d",
    ):
        assert got[name] > 0, name
    assert np.isnan(got["photo_width"])  # no photo folder given: image features unknown
