"""The feature-family registry: the one list of the families that make the feature table.

Each entry (`family.Family`) declares a family's columns, its reason groups and their phrases,
the checklist flags read from it, the columns that may only raise the score, and its warm-up.
Everything else iterates over `FAMILIES`, in this order:

- `ProfileFeatures` computes each family from the same `Inputs`; their columns make the table
  in this order (a column name belongs to one family only);
- the reasons (inference/explain) rank the groups of all families, ties in this order;
- the checklist baseline (modeling/estimators.ChecklistRules) raises one point per flag;
- the trees' monotonic constraints (modeling/estimators.RedFlagsRaise) take `increasing`;
- warming up a model before scoring (inference/predictor) loads every family's data; its compiled
  loops are warmed in one place, kernels/warmup.

Adding a family: one new module under features/ that computes its columns (and defines its
`Family`), and one entry at the end of FAMILIES. docs/architecture.md walks through it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from fakeprofile.features import (
    activity,
    completeness,
    evasion,
    invitation,
    photo,
    phrases,
    spelling,
    style,
    text,
)
from fakeprofile.features.family import Family, Flag, Inputs, ReasonGroup

__all__ = [
    "FAMILIES",
    "checklist_flags",
    "families",
    "decreasing",
    "increasing",
    "load_all",
    "reason_groups",
]


def _text_load(featurizer: Any) -> None:
    spelling.warm(featurizer.min_zipf)


# Evasion kinds the checks over all texts stand for in the note too.
_SAME_KIND = {
    "invisible": "zero_width",
    "confusable": "mixed_script",
    "separated": "spaced_letters",
}


def _text(i: Inputs) -> pd.DataFrame:
    """The text columns; text_evasion counts the kinds of trick the texts use, the tricks undone
    in the note (Inputs.tricks, invitation's text_evasion_note_*) included: the checks over all
    texts stand for the note's invisible, confusable and separated kinds too."""
    out = text.compute(i.table, i.min_zipf)
    kinds = [
        (i.tricks[:, k] > 0)
        | ((out[f"text_evasion_{_SAME_KIND[t]}"] > 0) if t in _SAME_KIND else False)
        for k, t in enumerate(evasion.TRICKS)
    ]
    out["text_evasion"] = np.sum(kinds, axis=0).astype(np.float64)
    return out


FAMILIES: list[Family] = [
    Family(
        name="photo",
        compute=lambda i: photo.compute(i.table, i.photos, i.photo_index),
        columns=("photo_",),
        groups=(ReasonGroup("photo", ("photo_",), phrases.photo),),
        checklist=(
            Flag(
                "photo",
                lambda X, rules: (
                    (X["photo_missing"] == 1)
                    | (X["photo_placeholder_or_flat"] == 1)
                    | (X["photo_reuse_count"] >= 2)
                ),
            ),
        ),
        # The checklist's photo signs may only raise the score (behavioural tests, issue 26).
        increasing=("photo_missing", "photo_placeholder_or_flat", "photo_reuse_count"),
    ),
    Family(
        name="completeness",
        compute=lambda i: completeness.compute(i.table, i.as_of_days),
        columns=("profile_",),
        groups=(
            ReasonGroup(
                "profile",
                (
                    "profile_has_",
                    "profile_n_",
                    "profile_share_",
                    "profile_about_",
                    "profile_headline_length",
                ),
                phrases.profile,
            ),
            ReasonGroup(
                "career",
                (
                    "profile_years_",
                    "profile_overlapping_",
                    "profile_implausible_",
                    "profile_headline_matches",
                ),
                phrases.career,
            ),
        ),
        checklist=(
            Flag(
                "thin_profile",
                lambda X, rules: X["profile_share_sections_filled"] < rules.thin_below,
            ),
        ),
        decreasing=("profile_share_sections_filled",),  # a thinner profile never looks safer
    ),
    Family(
        name="text",
        compute=_text,
        columns=("text_",),
        groups=(
            ReasonGroup("spelling", ("text_spelling_", "text_words_checked"), phrases.spelling),
            ReasonGroup("evasion", ("text_evasion",), phrases.evasion, note=True),
        ),
        checklist=(
            Flag(
                "misspelled",
                lambda X, rules: X["text_spelling_error_rate"] > rules.misspelled_above,
            ),
        ),
        increasing=(
            "text_evasion_zero_width",
            "text_evasion_mixed_script",
            "text_evasion_spaced_letters",
            "text_evasion",
            "text_spelling_error_rate",
        ),
        load=_text_load,
    ),
    Family(
        name="activity",
        compute=lambda i: activity.compute(i.table, i.as_of_days),
        columns=("activity_",),
        groups=(
            ReasonGroup(
                "activity",
                (
                    "activity_posts",
                    "activity_articles",
                    "activity_comments",
                    "activity_reactions",
                    "activity_shares",
                    "activity_total",
                    "activity_none",
                ),
                phrases.activity,
            ),
            ReasonGroup("age", ("activity_account_age_days",), phrases.age),
            ReasonGroup(
                "network",
                ("activity_connections", "activity_followers", "activity_following"),
                phrases.network,
            ),
        ),
        checklist=(Flag("no_activity", lambda X, rules: X["activity_none"] == 1),),
        # No activity, or followers gathered fast (a younger account has higher per-30-day
        # rates), may only raise the score; an older account may only lower it.
        increasing=("activity_none", "activity_following_per_30d", "activity_followers_per_30d"),
        decreasing=("activity_account_age_days",),
    ),
    Family(
        name="invitation",
        compute=lambda i: invitation.compute(i.table, i.tricks),
        columns=("invite_", "text_evasion_note_"),
        groups=(
            ReasonGroup("note", ("invite_has_note", "invite_note_"), phrases.note, note=True),
            ReasonGroup(
                "pitch",
                (
                    "invite_link",
                    "invite_phone",
                    "invite_email",
                    "invite_messenger",
                    "invite_money_",
                    "invite_urgency_",
                    "invite_job_",
                    "invite_contact_",
                ),
                phrases.pitch,
                note=True,
            ),
            ReasonGroup(
                "volume", ("invite_sent_last_7d", "invite_acceptance_rate"), phrases.volume
            ),
            ReasonGroup("mutual", ("invite_mutual_connections",), phrases.mutual),
        ),
        checklist=(
            Flag(
                "no_personal_note",
                lambda X, rules: (X["invite_has_note"] == 0) | (X["invite_note_canned"] == 1),
            ),
            Flag(
                "pitch_or_bait",
                lambda X, rules: (
                    (X["invite_money_words"] > 0)
                    | (X["invite_contact_bait"] == 1)
                    | (X["invite_link"] > 0)
                ),
            ),
        ),
        # The note's red flags, job begging and the tricks undone in it: a pitch or a channel
        # move must never be outweighed by an otherwise complete profile.
        increasing=(
            *invitation.RED_FLAGS,
            "invite_job_begging",
            *(f"text_evasion_note_{t}" for t in evasion.TRICKS),
            "invite_note_canned",
            "invite_note_canned_similarity",
            "invite_sent_last_7d",
        ),
        decreasing=("invite_has_note",),  # a missing note never looks safer
    ),
    Family(
        name="style",
        compute=lambda i: style.compute(i.table),
        columns=("style_", "profile_employers_", "profile_career_", "profile_positions_"),
        groups=(
            ReasonGroup(
                "machine",
                (
                    "style_",
                    "profile_employers_",
                    "profile_career_countries",
                    "profile_positions_abroad",
                ),
                phrases.machine,
            ),
        ),
        # Stock phrases, their share against specifics, a stock networking note and buzzword
        # employers may only raise the score: more of the style never looks safer.
        increasing=(
            "style_generic_per_100_words",
            "style_generic_share",
            "style_note_generic",
            "profile_employers_invented",
        ),
    ),
]


def families() -> tuple[Family, ...]:
    """The registered families, in table order (read anew on each call, so a test may swap
    FAMILIES for a list with one more)."""
    return tuple(FAMILIES)


def reason_groups() -> dict[str, ReasonGroup]:
    """Every family's reason groups by name, in family order."""
    out: dict[str, ReasonGroup] = {}
    for fam in FAMILIES:
        for group in fam.groups:
            if group.name in out:
                raise ValueError(f"reason group {group.name!r} is declared twice ({fam.name})")
            out[group.name] = group
    return out


def checklist_flags() -> tuple[Flag, ...]:
    """The checklist baseline's flags, in family order."""
    return tuple(flag for fam in FAMILIES for flag in fam.checklist)


def increasing() -> frozenset[str]:
    """Columns that may only raise the probability of "fake"."""
    return frozenset(c for fam in FAMILIES for c in fam.increasing)


def decreasing() -> frozenset[str]:
    """Columns that may only lower the probability of "fake"."""
    return frozenset(c for fam in FAMILIES for c in fam.decreasing)


def load_all(featurizer: Any) -> None:
    """Load every family's data now (word lists, tables), with the featurizer's settings."""
    for fam in FAMILIES:
        if fam.load is not None:
            fam.load(featurizer)
