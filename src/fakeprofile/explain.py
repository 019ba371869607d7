"""Reasons behind a score, in words a member understands, and faithful to the model.

Method (documented in the README): features are grouped by the sign a careful member would name
(photo, profile depth, spelling, activity, the note, ...). For each group we set the row's features
to *neutral* values, the medians of genuine members in the training part, and score again. The drop
in probability is that group's effect on this profile. A group is named as a reason only if its
effect is at least `min_effect`, and at most three are named, largest first; only profiles that are
not accepted get reasons. So a reason always
names something that really pushed this profile's score up, and a profile that looks genuine gets
none. The cost is one extra model evaluation per group, all vectorised over the chunk.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

NO_GROUP = -1  # in a column-to-group map: the column belongs to no group


class Row:
    """One row's features by name, read when asked. A phrase reads two or three of some 80, so a
    dict of them all was mostly wasted work, repeated for every row explained. Values are Python
    floats (NaN if missing); a name the model has no column for reads as None, like dict.get."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: list[float], index: dict[str, int]):
        self._values, self._index = values, index

    def get(self, name: str) -> float | None:
        j = self._index.get(name)
        return None if j is None else self._values[j]


Phrase = Callable[[Row | dict], str]


def _pct(x: float) -> str:
    return f"{round(100 * x)}%"


def _photo(r: dict) -> str:
    if r.get("photo_missing") == 1:
        return "no profile photo"
    if r.get("photo_unreadable") == 1:
        return "profile photo could not be read"
    if r.get("photo_placeholder_or_flat") == 1:
        return "default placeholder photo"
    n = r.get("photo_reuse_count")
    if n == n and n and n >= 1:
        return f"photo also used by {int(n)} other profile{'s' if n != 1 else ''}"
    return "unusual profile photo"


def _profile(r: dict) -> str:
    share = r.get("profile_share_sections_filled")
    if share == share and share is not None and share < 0.5:
        return f"thin profile: {_pct(share)} of sections filled"
    if r.get("profile_about_length") == 0:
        return "no about text"
    if r.get("profile_n_skills") == 0:
        return "no skills listed"
    return "few details in the profile sections"


def _career(r: dict) -> str:
    if (r.get("profile_overlapping_positions") or 0) > 0:
        return "positions overlap in time"
    if r.get("profile_headline_matches_experience") == 0:
        return "headline does not match the current position"
    years = r.get("profile_years_experience")
    if years == years and years is not None and years < 1:
        return "almost no work history"
    return "work history looks unusual"


def _spelling(r: dict) -> str:
    rate = r.get("text_spelling_error_rate")
    if rate == rate and rate is not None and rate >= 0.03:
        return f"{_pct(rate)} of words misspelled"
    words = r.get("text_words_checked")
    if words == words and words is not None and words < 30:
        return "very little text written"
    return "unusual writing"


def _evasion(r: dict) -> str:
    if (r.get("text_evasion") or 0) > 0:
        return "hidden characters or look-alike letters in the text"
    return "unusual characters in the text"


def _activity(r: dict) -> str:
    if r.get("activity_none") == 1:
        return "no activity on the network"
    return "very little activity"


def _age(r: dict) -> str:
    days = r.get("activity_account_age_days")
    if days == days and days is not None:
        if days < 365:
            return f"account created {int(days)} days ago"
        return f"account only {days / 365.25:.1f} years old"
    return "new account"


def _network(r: dict) -> str:
    ratio = r.get("activity_following_per_connection")
    if ratio == ratio and ratio is not None and ratio > 1.5:
        return "follows far more people than it is connected to"
    conn = r.get("activity_connections")
    if conn == conn and conn is not None and conn < 50:
        return f"only {int(conn)} connections"
    return "unusual network"


def _note(r: dict) -> str:
    if r.get("invite_has_note") == 0:
        return "invitation has no personal note"
    if r.get("invite_note_canned") == 1:
        return "invitation uses the default text"
    return "impersonal invitation note"


def _pitch(r: dict) -> str:
    if (r.get("invite_messenger") or 0) > 0 or (r.get("invite_phone") or 0) > 0:
        return "asks to continue on WhatsApp or by phone"
    if (r.get("invite_email") or 0) > 0:
        return "asks to continue by e-mail"
    if (r.get("invite_job_begging") or 0) > 0:
        return "asks for a job"
    if (r.get("invite_link") or 0) > 0:
        return "invitation contains a link"
    return "invitation contains a sales pitch"


def _volume(r: dict) -> str:
    sent = r.get("invite_sent_last_7d")
    if sent == sent and sent is not None and sent >= 20:
        return f"sent {int(sent)} invitations in the last 7 days"
    rate = r.get("invite_acceptance_rate")
    if rate == rate and rate is not None:
        return f"only {_pct(rate)} of past invitations accepted"
    return "unusual invitation pattern"


def _mutual(r: dict) -> str:
    m = r.get("invite_mutual_connections")
    if m == 0:
        return "no mutual connections"
    return "few mutual connections"


# group name -> (feature prefixes or names, phrase)
GROUPS: dict[str, tuple[tuple[str, ...], Phrase]] = {
    "photo": (("photo_",), _photo),
    "profile": (
        (
            "profile_has_",
            "profile_n_",
            "profile_share_",
            "profile_about_",
            "profile_headline_length",
        ),
        _profile,
    ),
    "career": (
        (
            "profile_years_",
            "profile_overlapping_",
            "profile_implausible_",
            "profile_headline_matches",
        ),
        _career,
    ),
    "spelling": (("text_spelling_", "text_words_checked"), _spelling),
    "evasion": (("text_evasion",), _evasion),
    "activity": (
        (
            "activity_posts",
            "activity_articles",
            "activity_comments",
            "activity_reactions",
            "activity_shares",
            "activity_total",
            "activity_none",
        ),
        _activity,
    ),
    "age": (("activity_account_age_days",), _age),
    "network": (("activity_connections", "activity_followers", "activity_following"), _network),
    "note": (("invite_has_note", "invite_note_"), _note),
    "pitch": (
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
        _pitch,
    ),
    "volume": (("invite_sent_last_7d", "invite_acceptance_rate"), _volume),
    "mutual": (("invite_mutual_connections",), _mutual),
}


def group_columns(columns: list[str]) -> dict[str, list[str]]:
    """The feature columns of each reason group (every column belongs to at most one group)."""
    out = {}
    for name, (prefixes, _) in GROUPS.items():
        cols = [c for c in columns if c.startswith(prefixes)]
        if cols:
            out[name] = cols
    return out


def effects(
    X: pd.DataFrame,
    proba_neutral: Callable[[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray], np.ndarray],
    neutral: pd.Series,
    base: np.ndarray,
) -> pd.DataFrame:
    """Per row and group: score minus the score with that group set to neutral values.

    A row whose group already holds the neutral values keeps its score, so its effect is exactly
    0 and it is not scored again. The others are scored by `proba_neutral` (Trained's), all in
    one call: for gradient-boosted trees one compiled pass gives every group's neutral score
    (see trees.py)."""
    values = X.to_numpy(dtype=np.float64)
    columns = list(X.columns)
    groups = group_columns(columns)
    # One label look-up for all groups, not one per group.
    neutral_values = neutral[columns].to_numpy(dtype=np.float64)
    group_of = np.full(len(columns), NO_GROUP)
    for g, cols in enumerate(groups.values()):
        group_of[[columns.index(c) for c in cols]] = g
    differs = (values != neutral_values) & ~(np.isnan(values) & np.isnan(neutral_values))
    want = np.zeros((len(X), len(groups)), dtype=bool)
    for g in range(len(groups)):
        want[:, g] = differs[:, group_of == g].any(axis=1)
    scored = proba_neutral(X, want, group_of, neutral_values) if want.any() else want
    out = np.where(want, base[:, None] - scored, 0.0)
    return pd.DataFrame(out, columns=list(groups), index=X.index)


FALLBACK_EFFECT = 0.01


def reasons(
    X: pd.DataFrame, effect: pd.DataFrame, min_effect: float, flagged: np.ndarray, top: int = 3
) -> list[list[str]]:
    """Up to `top` phrases per row, for the groups that raised its score by >= min_effect.

    A flagged (reported) row where no single group reaches min_effect (several signals,
    each enough on its own) still gets the groups that raised it by >= FALLBACK_EFFECT."""
    names = np.array(effect.columns)
    values = effect.to_numpy()
    order = np.argsort(-values, axis=1, kind="stable")[:, :top]
    picked: list[list[str]] = []
    for i in range(len(X)):
        names_i = [names[j] for j in order[i] if values[i, j] >= min_effect]
        if not names_i and flagged[i]:
            names_i = [names[j] for j in order[i] if values[i, j] >= FALLBACK_EFFECT]
        picked.append(names_i)
    need = [i for i, g in enumerate(picked) if g]
    index = {c: j for j, c in enumerate(X.columns)}
    rows = {
        i: Row(values_i, index)
        for i, values_i in zip(need, X.to_numpy()[need].tolist(), strict=True)
    }
    return [
        [GROUPS[g][1](rows[i]) for g in groups] if groups else [] for i, groups in enumerate(picked)
    ]
