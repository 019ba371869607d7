"""The phrases of the reason groups: the concrete sign behind a group's effect, in words a
member understands, or None when the row shows no sign that can be named plainly.

Each phrase reads a row of the feature table by name (`r.get(name)`: None if the model has no
such column, NaN if missing). The families declare them in features/registry.py; the reasons
(inference/explain) call them for the groups that raised a profile's score.
"""

from __future__ import annotations

from typing import Any


def _pct(x: float) -> str:
    return f"{round(100 * x)}%"


def _known(x: float | None) -> bool:
    return x is not None and x == x


def photo(r: Any) -> str | None:
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


def profile(r: Any) -> str | None:
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


def career(r: Any) -> str | None:
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


def spelling(r: Any) -> str | None:
    rate = r.get("text_spelling_error_rate")
    if _known(rate) and rate >= 0.03:
        return f"{_pct(rate)} of words misspelled"
    words = r.get("text_words_checked")
    if _known(words) and words < 30:
        return f"very little text written ({int(words)} words)"
    return None


TRICK_NAMES = {
    "invisible": "invisible characters",
    "compatibility": "fullwidth or styled letters",
    "confusable": "look-alike letters from other alphabets",
    "separated": "letters split by separators",
    "leet": "digits for letters (leetspeak)",
    "messenger": "a misspelt messenger name",
    "link": "a disguised link",
    "address": "a disguised e-mail address",
    "phone": "a disguised phone number",
    "respelt": "a money or messenger word respelt (repeated or accented letters)",
}


def evasion(r: Any) -> str | None:
    found = [name for t, name in TRICK_NAMES.items() if (r.get(f"text_evasion_note_{t}") or 0) > 0]
    if not found:
        if (r.get("text_evasion_zero_width") or 0) > 0:
            found.append(TRICK_NAMES["invisible"])
        if (r.get("text_evasion_mixed_script") or 0) > 0:
            found.append(TRICK_NAMES["confusable"])
        if (r.get("text_evasion_spaced_letters") or 0) > 0:
            found.append(TRICK_NAMES["separated"])
    if found:
        return "text disguised to slip past filters: " + ", ".join(found)
    return None


def activity(r: Any) -> str | None:
    if r.get("activity_none") == 1:
        return "no activity on the network"
    total = r.get("activity_total_per_30d")
    if _known(total) and total < 1:
        return f"almost no activity ({total:.1f} posts, comments or reactions a month)"
    return None


def age(r: Any) -> str | None:
    """Named only when the account is young next to genuine members': under a year, or under a
    quarter of their median age."""
    days = r.get("activity_account_age_days")
    if not _known(days):
        return None
    typical = getattr(r, "typical", {}).get("activity_account_age_days")
    if days < 0:  # created after the invitation was sent: the dates contradict each other
        return "account creation date lies after the invitation's date"
    if days < 365:
        return f"account created {int(days)} days ago"
    if _known(typical) and days < 0.25 * typical:
        return (
            f"young account: {days / 365.25:.1f} years old "
            f"(genuine members' median {typical / 365.25:.1f} years)"
        )
    return None


def network(r: Any) -> str | None:
    ratio = r.get("activity_following_per_connection")
    if _known(ratio) and ratio > 1.5:
        return "follows far more people than it is connected to"
    conn = r.get("activity_connections")
    if _known(conn) and conn < 50:
        return f"only {int(conn)} connections"
    return None


def note(r: Any) -> str | None:
    if r.get("invite_has_note") == 0:
        return "invitation has no personal note"
    if r.get("invite_note_canned") == 1:
        return "invitation uses the default text"
    sim = r.get("invite_note_canned_similarity")
    if _known(sim) and sim >= 0.4:
        return "invitation note is close to the default text"
    return None


def note_raised(r: Any) -> str:
    """The note, named when a note group raised the score but shows none of the signs its own
    phrase names (a plain personal note the model still weighed, or no note at all)."""
    if r.get("invite_has_note") == 0:
        return "invitation has no personal note"
    n = r.get("invite_note_length")
    if _known(n):
        return f"the invitation note itself raised the score (a note of {int(n)} characters)"
    return "the invitation note itself raised the score"


def pitch(r: Any) -> str | None:
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


def volume(r: Any) -> str | None:
    sent = r.get("invite_sent_last_7d")
    if _known(sent) and sent >= 20:
        return f"sent {int(sent)} invitations in the last 7 days"
    rate = r.get("invite_acceptance_rate")
    if _known(rate) and rate < 0.4:
        return f"only {_pct(rate)} of past invitations accepted"
    return None


def mutual(r: Any) -> str | None:
    m = r.get("invite_mutual_connections")
    if m == 0:
        return "no mutual connections"
    if _known(m) and m < 3:
        return f"only {int(m)} mutual connection{'s' if m != 1 else ''}"
    return None


def machine(r: Any) -> str | None:
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
    note = r.get("style_note_generic")
    if _known(note) and note >= 2:
        signs.append("a stock networking note that names nothing about you")
    shared = r.get("style_shared_words")
    if _known(shared) and shared >= 0.15:
        signs.append("the same words repeated in headline, about and positions")
    cv = r.get("style_sentence_length_cv")
    if _known(cv) and cv < 0.2:
        signs.append("sentences all of one length")
    if signs:
        return "generic, machine-like profile: " + ", ".join(signs[:3])
    return None
