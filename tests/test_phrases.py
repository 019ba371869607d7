"""features/phrases.py's fallback for the note (note_raised) on hand-made rows."""

from __future__ import annotations

import numpy as np
import pytest

from fakeprofile.features.phrases import note_raised

ITSELF = "the invitation note itself raised the score"


@pytest.mark.parametrize(
    "row,phrase",
    [
        ({"invite_has_note": 0}, "invitation has no personal note"),
        ({"invite_has_note": 0, "invite_note_length": 40}, "invitation has no personal note"),
        ({"invite_has_note": 1, "invite_note_length": 42.0}, ITSELF + " (a note of 42 characters)"),
        ({"invite_has_note": 1, "invite_note_length": np.nan}, ITSELF),
        ({"invite_has_note": 1}, ITSELF),  # a model without the length column
        ({}, ITSELF),
    ],
    ids=["no_note", "no_note_with_length", "length", "length_missing", "no_column", "nothing"],
)
def test_note_raised_names_the_note_and_its_length_where_known(row, phrase):
    assert note_raised(row) == phrase
