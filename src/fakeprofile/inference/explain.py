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
    floats (NaN if missing); a name the model has no column for reads as None, like dict.get.
    `typical` holds genuine members' medians (the model's neutral values) for comparisons."""

    __slots__ = ("_index", "_values", "typical")

    def __init__(self, values: list[float], index: dict[str, int], typical: dict | None = None):
        self._values, self._index = values, index
        self.typical = typical or {}

    def get(self, name: str) -> float | None:
        j = self._index.get(name)
        return None if j is None else self._values[j]


# A phrase names the concrete sign behind a group's effect, or None when the row shows no sign
# that can be named plainly; such a group is then not given as a reason.
Phrase = Callable[[Row | dict], str | None]


def _pct(x: float) -> str:
    return f"{round(100 * x)}%"


def _known(x: float | None) -> bool:
    return x is not None and x == x


def _photo(r: dict) -> str | None:
    if r.get("photo_missing") == 1:
        return "no profile photo"
    if r.get("photo_unreadable") == 1:
        return "profile photo could not be read"
    if r.get("photo_placeholder_or_flat") == 1:
        return "default placeholder photo"
    n = r.get("photo_reuse_count")
    if _known(n) and n >= 1:
        return f"photo also used by {int(n)} other profile{'s' if n != 1 else ''}"
    return None


def _profile(r: dict) -> str | None:
    share = r.get("profile_share_sections_filled")
    if _known(share) and share < 0.5:
        return f"thin profile: {_pct(share)} of sections filled"
    if r.get("profile_about_length") == 0:
        return "no about text"
    if r.get("profile_n_skills") == 0:
        return "no skills listed"
    if r.get("profile_n_experience") == 0:
        return "no positions listed"
    return None


def _career(r: dict) -> str | None:
    if (r.get("profile_overlapping_positions") or 0) > 0:
        return "positions overlap in time"
    if (r.get("profile_implausible_positions") or 0) > 0:
        return "positions with impossible dates"
    if r.get("profile_headline_matches_experience") == 0:
        return "headline does not match the current position"
    years = r.get("profile_years_experience")
    if _known(years) and years < 1:
        return "almost no work history"
    return None


def _spelling(r: dict) -> str | None:
    rate = r.get("text_spelling_error_rate")
    if _known(rate) and rate >= 0.03:
        return f"{_pct(rate)} of words misspelled"
    words = r.get("text_words_checked")
    if _known(words) and words < 30:
        return f"very little text written ({int(words)} words)"
    return None


_TRICK_NAMES = {
    "invisible": "invisible characters",
    "compatibility": "fullwidth or styled letters",
    "confusable": "look-alike letters from other alphabets",
    "separated": "letters split by separators",
    "leet": "digits for letters (leetspeak)",
    "messenger": "a misspelt messenger name",
    "link": "a disguised link",
    "address": "a disguised e-mail address",
    "phone": "a disguised phone number",
}


def _evasion(r: dict) -> str | None:
    found = [name for t, name in _TRICK_NAMES.items() if (r.get(f"text_evasion_note_{t}") or 0) > 0]
    if not found:
        if (r.get("text_evasion_zero_width") or 0) > 0:
            found.append(_TRICK_NAMES["invisible"])
        if (r.get("text_evasion_mixed_script") or 0) > 0:
            found.append(_TRICK_NAMES["confusable"])
        if (r.get("text_evasion_spaced_letters") or 0) > 0:
            found.append(_TRICK_NAMES["separated"])
    if found:
        return "text disguised to slip past filters: " + ", ".join(found)
    return None


def _activity(r: dict) -> str | None:
    if r.get("activity_none") == 1:
        return "no activity on the network"
    total = r.get("activity_total_per_30d")
    if _known(total) and total < 1:
        return f"almost no activity ({total:.1f} posts, comments or reactions a month)"
    return None


def _age(r: Row | dict) -> str | None:
    """Named only when the account is young next to genuine members': under a year, or under a
    quarter of their median age."""
    days = r.get("activity_account_age_days")
    if not _known(days):
        return None
    typical = getattr(r, "typical", {}).get("activity_account_age_days")
    if days < 365:
        return f"account created {int(days)} days ago"
    if _known(typical) and days < 0.25 * typical:
        return (
            f"young account: {days / 365.25:.1f} years old "
            f"(genuine members' median {typical / 365.25:.1f} years)"
        )
    return None


def _network(r: dict) -> str | None:
    ratio = r.get("activity_following_per_connection")
    if _known(ratio) and ratio > 1.5:
        return "follows far more people than it is connected to"
    conn = r.get("activity_connections")
    if _known(conn) and conn < 50:
        return f"only {int(conn)} connections"
    return None


def _note(r: dict) -> str | None:
    if r.get("invite_has_note") == 0:
        return "invitation has no personal note"
    if r.get("invite_note_canned") == 1:
        return "invitation uses the default text"
    sim = r.get("invite_note_canned_similarity")
    if _known(sim) and sim >= 0.4:
        return "invitation note is close to the default text"
    return None


def _pitch(r: dict) -> str | None:
    if (r.get("invite_messenger") or 0) > 0:
        return "invitation asks to move the talk to a messenger (WhatsApp, Telegram, ...)"
    if (r.get("invite_phone") or 0) > 0:
        return "invitation gives a phone number to continue on"
    if (r.get("invite_email") or 0) > 0:
        return "invitation asks to continue by e-mail"
    if (r.get("invite_money_words") or 0) > 0:
        return "invitation contains a sales pitch or money bait"
    if (r.get("invite_link") or 0) > 0:
        return "invitation contains a link"
    if (r.get("invite_job_begging") or 0) > 0:
        return "invitation asks for a job"
    if (r.get("invite_urgency_words") or 0) > 0:
        return "invitation pushes for a quick reply"
    return None


def _volume(r: dict) -> str | None:
    sent = r.get("invite_sent_last_7d")
    if _known(sent) and sent >= 20:
        return f"sent {int(sent)} invitations in the last 7 days"
    rate = r.get("invite_acceptance_rate")
    if _known(rate) and rate < 0.4:
        return f"only {_pct(rate)} of past invitations accepted"
    return None


def _mutual(r: dict) -> str | None:
    m = r.get("invite_mutual_connections")
    if m == 0:
        return "no mutual connections"
    if _known(m) and m < 3:
        return f"only {int(m)} mutual connection{'s' if m != 1 else ''}"
    return None


def _machine(r: dict) -> str | None:
    signs = []
    generic = r.get("style_generic_per_100_words")
    if _known(generic) and generic >= 4:
        signs.append(f"stock phrases ({generic:.0f} per 100 words)")
    if (r.get("profile_employers_invented") or 0) > 0:
        signs.append("employers named only with buzzwords")
    countries = r.get("profile_career_countries")
    if _known(countries) and countries >= 3:
        signs.append(f"a career over {int(countries)} countries")
    repeated = r.get("style_repeated_phrasing")
    if _known(repeated) and repeated >= 0.08:
        signs.append("the same phrasing repeated across sections")
    cv = r.get("style_sentence_length_cv")
    if _known(cv) and cv < 0.2:
        signs.append("sentences all of one length")
    if signs:
        return "generic, machine-like profile: " + ", ".join(signs[:3])
    return None


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
    "machine": (
        (
            "style_",
            "profile_employers_",
            "profile_career_countries",
            "profile_positions_abroad",
        ),
        _machine,
    ),
}
# Groups about the invitation note: named whenever they raised the score at all.
NOTE_GROUPS = ("pitch", "note", "evasion")
FLOOR_REASON = "never accepted with such a note (policy: thresholds.red_flag_floor in params.yaml)"


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
    X: pd.DataFrame,
    effect: pd.DataFrame,
    min_effect: float,
    flagged: np.ndarray,
    top: int = 3,
    typical: pd.Series | None = None,
    floored: np.ndarray | None = None,
    red: np.ndarray | None = None,
) -> list[list[str]]:
    """Up to `top` phrases per row, for the groups that raised its score by >= min_effect and
    show a sign that can be named (a phrase is never vague: a group without one is skipped).

    The note (pitch, default text, disguises) is named whenever it raised the score by at least
    FALLBACK_EFFECT. A flagged (reported) row always gets a reason: if no group reaches
    min_effect, the groups that raised it at all are named, largest first. `floored` rows were
    kept from "accept" by the red-flag policy, which is then said; `red` rows have a red flag in
    their note, which is always named. `typical` (genuine members'
    medians) lets a phrase compare, e.g. account age."""
    names = list(effect.columns)
    values = effect.to_numpy()
    order = np.argsort(-values, axis=1, kind="stable")
    index = {c: j for j, c in enumerate(X.columns)}
    typical_d = {} if typical is None else {k: float(v) for k, v in typical.items()}
    floored = np.zeros(len(X), dtype=bool) if floored is None else floored
    red = floored if red is None else red | floored
    rows = X.to_numpy().tolist()
    out: list[list[str]] = []
    for i in range(len(X)):
        row = Row(rows[i], index, typical_d)
        picked: list[str] = []

        def take(j: int, row: Row = row, picked: list[str] = picked) -> None:
            phrase = GROUPS[names[j]][1](row)
            if phrase and phrase not in picked:
                picked.append(phrase)

        for j in order[i]:
            if values[i, j] < min_effect or len(picked) >= top:
                break
            take(j)
        for j in order[i]:  # the note, whenever it raised the score
            if names[j] in NOTE_GROUPS and values[i, j] >= FALLBACK_EFFECT:
                take(j)
        if not picked and flagged[i]:
            for j in order[i]:
                if values[i, j] <= 0 or len(picked) >= top:
                    break
                take(j)
        if red[i]:
            pitch = _pitch(row)
            if pitch and pitch not in picked:
                picked.insert(0, pitch)
        if floored[i]:
            picked.append(FLOOR_REASON)
        if not picked and flagged[i]:
            # No sign that raised the score can be named: the concrete sign with the largest
            # effect (one that left the score as it was before one that lowered it).
            for j in order[i]:
                take(j)
                if picked:
                    break
        out.append(picked)
    return out
