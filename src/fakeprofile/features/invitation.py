"""Invitation signals (`invite_*`): the note, its content, and how the sender invites.

Careful members ask: is there a personal note at all? Is it the network's default text? Does it pitch
something, or try to move the talk to WhatsApp or e-mail? Do we share connections? Content patterns
cover the six languages; text is first normalised against evasion (features/evasion: invisible
characters, fullwidth and look-alike letters, leetspeak, separators, obfuscated links, addresses and
phone numbers, misspelt messengers) so that tricks meant to slip past these patterns do not, and
each trick undone is counted (`text_evasion_note_*`).
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from fakeprofile.features import evasion
from fakeprofile.features.frame import field, num
from fakeprofile.kernels import grams as kernels
from fakeprofile.kernels.utf8 import UNKNOWN

# The network's default invitation texts (and close variants), in the six languages.
CANNED = (
    "i'd like to add you to my professional network",
    "i would like to add you to my professional network",
    "hi, i'd like to join your network",
    "i'd like to connect with you",
    "jeg vil gerne føje dig til mit professionelle netværk",
    "jeg vil gerne forbinde mig med dig",
    "jag vill gärna lägga till dig i mitt professionella nätverk",
    "jag skulle vilja ansluta till dig",
    "jeg vil gjerne legge deg til i mitt profesjonelle nettverk",
    "jeg vil gjerne koble meg til deg",
    "ik wil je graag toevoegen aan mijn professionele netwerk",
    "ik wil graag met je connecten",
    "ich möchte sie gerne zu meinem beruflichen netzwerk hinzufügen",
    "ich würde mich gerne mit ihnen vernetzen",
)

LINK = evasion.LINK
PHONE = evasion.PHONE
EMAIL = r"[\w.+-]+@[\w-]+\.[\w.]+"
MESSENGER = evasion.MESSENGER
# Money bait and sales pitches. Not "free" alone ("feel free to ..."), but "free demo".
MONEY = (
    r"(?i)[$€£]\s?\d|\d\s?[$€£]|\b\d+\s?%|\b(?:invest\w*|profit\w*|crypto\w*|krypto\w*|bitcoin|"
    r"forex|trading|earn\w*|income|revenue|omsætning\w*|omsättning\w*|omsetning\w*|omzet|"
    r"umsatz\w*|afkast|avkastning|rendement|rendite|passiv\w* (?:income|indkomst|inkomst|inntekt)|"
    r"tjen\w* penge\w*|tjäna pengar|tjene penger|geld verdienen|make money|gratis|"
    r"free (?:demo|trial|audit|consultation|call|offer)|kostenlos\w*|discount|rabat\w*|rabatt\w*|"
    r"korting|bespaar\w*|guarantee\w*|garanti\w*|offer|tilbud|erbjudande|aanbieding|angebot\w*|"
    r"lead generation|leadgenerering|demo|webinar|beleggings\w*|geldanlage\w*|proposal|"
    r"forretningsforslag|affärsförslag|forretningsforslag|zakelijk voorstel|geschäftsvorschlag)\b"
)
URGENCY = (
    r"(?i)\b(?:today|now|urgent\w*|immediately|limited|asap|i dag|idag|nu|nå|vandaag|heute|"
    r"jetzt|sofort|dringend|med det samme|direkt|direct|book|boka|bestill|buchen|plan)\b"
)
JOB_BEG = (
    r"(?i)\b(?:any job|refer me|give me a job|job opportunity|ethvert job|vilket jobb|"
    r"hvilken som helst jobb|maakt niet uit welke|irgendeine stelle|sir|madam|kindly)\b"
)


def normalise(text: str) -> str:
    """A note with the evasion tricks undone (see features/evasion)."""
    return evasion.normalise(text)[0]


def _gram_codes(s: str) -> np.ndarray:
    """Codes of the character trigrams of a padded text (three code points of 21 bits each, one
    int64 per trigram, repeats included)."""
    c = np.frombuffer(f"  {s} ".encode("utf-32-le", "surrogatepass"), np.uint32).astype(np.int64)
    return (c[:-2] << 42) | (c[1:-1] << 21) | c[2:]


# Every trigram of any canned text, sorted, with a row of 0/1 saying which canned texts have it.
_CANNED_CODES = np.unique(np.concatenate([_gram_codes(c) for c in CANNED]))
_CANNED_HAS = np.array(
    [np.isin(_CANNED_CODES, _gram_codes(c)) for c in CANNED], dtype=np.int64
).T.copy()
_CANNED_SIZES = _CANNED_HAS.sum(axis=0).astype(np.float64)


@functools.cache
def _canned_slots() -> tuple[np.ndarray, int]:
    """The canned trigrams' table, made on first use (not at import: a cold Numba cache would
    then compile in every importing process, see jit.cold)."""
    return kernels.slot_table(_CANNED_CODES)


# Per code point: is it kept in a note's key (a word character of Python's regex engine, or an
# apostrophe)? 1 yes, 0 no, UNKNOWN until met; each is asked of Python once per process.
_IN_KEY = np.full(0x110000, UNKNOWN, dtype=np.uint8)


def _in_key(chars: np.ndarray) -> np.ndarray:
    kept = _IN_KEY[chars]
    new = np.flatnonzero(kept == UNKNOWN)
    if len(new):
        for c in np.unique(chars[new]).tolist():
            _IN_KEY[c] = chr(c).isalnum() or chr(c) in "_'"  # what re's \w is, and "'"
        kept = _IN_KEY[chars]
    return kept


def canned_similarities(notes: list[str]) -> np.ndarray:
    r"""Per note: the highest trigram Jaccard similarity to any default invitation text (0-1).

    A note's key is its lower-case text with every run of other characters than word
    characters and apostrophes as one space, and no space at either end (the regexes
    `[^\w' ]+` then `\s+` to one space, then strip). Keys, their trigram sets and the overlaps
    with the canned texts are made in compiled code (kernels/grams); the Jaccard ratios are one
    numpy expression."""
    lower = [text.lower() for text in notes]  # lower() may change a text's length: one by one
    chars = np.frombuffer("".join(lower).encode("utf-32-le", "surrogatepass"), np.uint32)
    ends = np.cumsum([len(t) for t in lower], dtype=np.int64)
    canned_slots, canned_shift = _canned_slots()
    sizes, common = kernels.count_grams(
        chars.astype(np.int64),
        _in_key(chars),
        ends,
        _CANNED_CODES,
        canned_slots,
        canned_shift,
        _CANNED_HAS,
    )
    jaccard = common / (sizes[:, None] + _CANNED_SIZES - common)
    return np.where(sizes > 0, jaccard.max(axis=1, initial=0.0), 0.0)


def canned_similarity(text: str) -> float:
    """canned_similarities of one note."""
    return float(canned_similarities([text])[0])


# Red flags a careful member never accepts, whatever the rest of the profile: a link, money bait
# or a sales pitch, a request to move to another channel (messenger, phone, e-mail).
RED_FLAGS = (
    "invite_link",
    "invite_money_words",
    "invite_contact_bait",
    "invite_messenger",
    "invite_phone",
    "invite_email",
)


def red_flags(X: pd.DataFrame) -> np.ndarray:
    """Per row of a feature table: does its note raise one of RED_FLAGS?"""
    cols = [c for c in RED_FLAGS if c in X.columns]
    if not cols:
        return np.zeros(len(X), dtype=bool)
    return (np.nan_to_num(X[cols].to_numpy(dtype=np.float64)) > 0).any(axis=1)


# The columns that judge what a note says: unknown (NaN) where there is no note.
CONTENT = frozenset(
    {
        "invite_note_canned_similarity",
        "invite_note_canned",
        "invite_link",
        "invite_phone",
        "invite_email",
        "invite_messenger",
        "invite_money_words",
        "invite_urgency_words",
        "invite_job_begging",
    }
)


def normalise_notes(table: pa.Table) -> tuple[pa.Table, np.ndarray]:
    """The table with every invitation note normalised against evasion (features/evasion), and
    per row the count of each trick undone. Done once, before any text feature reads the note, so
    a disguised note gives the same features as the plain one, spelling and language included.
    Distinct notes only go through Python (canned and copy-paste notes repeat a lot)."""
    raw = field(table, "invitation", "message")
    enc = pc.dictionary_encode(pc.fill_null(raw, "")).combine_chunks()
    uniq, tricks = evasion.normalise_many(enc.dictionary)
    idx = enc.indices.to_numpy(zero_copy_only=False)
    if not tricks.any() and uniq == enc.dictionary.to_pylist():  # odd case is undone uncounted
        return table, np.zeros((table.num_rows, len(evasion.TRICKS)))
    inv = table.column("invitation").combine_chunks()
    children = inv.flatten()
    names = [inv.type.field(k).name for k in range(inv.type.num_fields)]
    at = names.index("message")
    note = pa.array(uniq, type=pa.string()).take(pa.array(idx))
    children[at] = pc.if_else(
        pc.is_null(raw.combine_chunks()), pa.nulls(len(note), pa.string()), note
    )
    rebuilt = pa.StructArray.from_arrays(children, fields=list(inv.type), mask=inv.is_null())
    return table.set_column(
        table.schema.get_field_index("invitation"), "invitation", rebuilt
    ), tricks[idx]


def compute(table: pa.Table, tricks: np.ndarray | None = None) -> pd.DataFrame:
    """Invitation features of a table whose notes normalise_notes has normalised (`tricks`: its
    trick counts per row; None means none were found)."""
    inv = table.column("invitation")
    has_inv = inv.is_valid().to_numpy(zero_copy_only=False)
    raw = field(table, "invitation", "message")
    enc = pc.dictionary_encode(pc.fill_null(raw, "")).combine_chunks()
    uniq = enc.dictionary.to_pylist()
    idx = enc.indices.to_numpy(zero_copy_only=False)
    if tricks is None:
        tricks = np.zeros((table.num_rows, len(evasion.TRICKS)))
    note = pa.array(uniq, type=pa.string())
    canned = canned_similarities(uniq)[idx] if uniq else np.zeros(len(idx))

    def count(pattern: str) -> np.ndarray:
        return num(pc.count_substring_regex(note, pattern))[idx] if uniq else np.zeros(len(idx))

    length = num(pc.utf8_length(note))[idx] if uniq else np.zeros(len(idx))
    # Whether there is a note, not its length: a length says nothing of a pitch, yet differs by
    # language (the same personal note moved decisions) and falls when a pitch replaces a longer
    # note (a red flag then lowered a score; behavioural tests, issue 26).
    has_note = (length > 0).astype(float)
    out = {  # framed once (see completeness.compute)
        "invite_has_note": has_note,
        "invite_note_canned_similarity": canned,
        "invite_note_canned": (canned >= 0.6).astype(float),
        "invite_link": count(LINK),
        "invite_phone": evasion.phone_counts(uniq)[idx] if uniq else np.zeros(len(idx)),
        "invite_email": count(EMAIL),
        "invite_messenger": count(MESSENGER),
        "invite_money_words": count(MONEY),
        "invite_urgency_words": count(URGENCY),
        "invite_job_begging": count(JOB_BEG),
    }
    no_invitation, no_note = ~has_inv, has_note == 0
    # No note: nothing to judge, not "no pitch". No invitation: nothing at all.
    out = {
        name: np.where(no_invitation | (no_note & (name in CONTENT)), np.nan, values)
        for name, values in out.items()
    }
    bait = np.nansum([out["invite_phone"], out["invite_email"], out["invite_messenger"]], axis=0)
    out["invite_contact_bait"] = np.where(out["invite_has_note"] == 1, bait > 0, np.nan)
    for k, trick in enumerate(evasion.TRICKS):
        out[f"text_evasion_note_{trick}"] = tricks[:, k]
    out["invite_mutual_connections"] = num(field(table, "invitation", "mutual_connections"))
    out["invite_sent_last_7d"] = num(field(table, "invitation", "invitations_sent_last_7d"))
    out["invite_acceptance_rate"] = num(field(table, "invitation", "acceptance_rate"))
    return pd.DataFrame(out)
