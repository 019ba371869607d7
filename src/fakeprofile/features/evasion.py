"""Normalise a note before its content is matched, and count each evasion trick undone.

Spammers disguise the words filters look for. Each step below undoes one family of tricks and
counts it (the `text_evasion_*` features):

- invisible: format characters (Unicode category Cf: zero-width, bidi controls, tag characters),
  combining grapheme joiners, variation selectors and fillers (U+3164 and friends) are removed;
- compatibility: NFKC folds fullwidth, mathematical and circled letters into plain ones;
- confusable: look-alike letters of other scripts (Cyrillic "а", Greek "ο", ...) are mapped to the
  Latin letter they imitate, by the Unicode TR39 confusables table (confusable-homoglyphs). The
  letters of the six languages (æ ø å ä ö ü ß é ...) are left alone;
- separated: letters split by spaces, dots, dashes, underscores or stars ("W-h-a-t-s-A-p-p") are
  joined;
- leet: digits and symbols standing for letters ("Wh4tsApp", "1nv3stment") are read as letters,
  but only in a word that then names a messenger or money bait (so "Q4" or "B2B" stay);
- messenger: misspelt or split messenger names ("Watsapp", "Telegramm", "Whats_App") are written
  the standard way;
- link: obfuscated links ("hxxps", "bit[.]ly", "example (dot) com") are written as links, and bare
  domains and shorteners count as links;
- address: "name (at) domain (dot) com" becomes an e-mail address;
- phone: numbers written as words in the six languages, with O for 0 or l for 1, or split by "/"
  are written as digits and checked with the phonenumbers library.

Plain ASCII notes with no digit, no separator run and no word of interest skip almost all of it.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata

import numpy as np
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc

TRICKS = (
    "invisible",
    "compatibility",
    "confusable",
    "separated",
    "leet",
    "messenger",
    "link",
    "address",
    "phone",
    "respelt",
)

# Invisible characters that are not of category Cf (those are found by category).
_FILLERS = "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u3164\uffa0\u2800\u00ad"
# Letters of the six languages that look like Latin letters but are letters in their own right.
_OWN_LETTERS = set("æøåäöüßéèêëáàâíìîïóòôúùûñçÆØÅÄÖÜÉÈÊËÁÀÂÍÌÎÏÓÒÔÚÙÛÑÇ")


@functools.cache
def _skeleton_table() -> dict[int, str]:
    """Per non-ASCII character with a Latin letter or digit look-alike (TR39 confusables): that
    ASCII character. Made on first use from the confusable-homoglyphs data."""
    from confusable_homoglyphs import confusables

    table: dict[int, str] = {}
    for char, glyphs in confusables.confusables_data.items():
        if len(char) != 1 or char.isascii() or char in _OWN_LETTERS:
            continue
        if 0x80 <= ord(char) <= 0x24F:  # Latin-1 and Latin Extended letters are real letters
            continue
        for g in glyphs:
            c = g["c"]
            if len(c) == 1 and c.isascii() and c.isalnum():
                table[ord(char)] = c
                break
    return table


@functools.cache
def _invisible_table() -> dict[int, None]:
    """Every format (Cf) character, filler and variation selector, mapped to deletion."""
    out = {c: None for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"}
    out.update({ord(c): None for c in _FILLERS})
    out.update({c: None for c in range(0xFE00, 0xFE10)})
    out.update({c: None for c in range(0xE0100, 0xE01F0)})
    return out


# Only text with a character beyond the letters of the six languages (or a soft hyphen) can hold
# an invisible, compatibility or look-alike character.
_EXOTIC = re.compile("[^\x00-\xac\xae-\u024f]")
_DIGIT = re.compile(r"\d")
_DIGIT_TRICK = re.compile(r"\d[OoIl]|[OoIl]\d|\d\s?[^\w\s+\-().,]\s?\d")


_STYLED_NAME = re.compile(
    r"^(?!COMBINING)(?:.* )?(?:LATIN (?:CAPITAL |SMALL )?LETTER (SMALL )?(CAPITAL )?"
    r"|REGIONAL INDICATOR SYMBOL LETTER )([A-Z])$"
)


@functools.cache
def _styled_table() -> dict[int, str]:
    """Per styled letter or digit that NFKC leaves alone or folds into more than one character
    (small capitals, parenthesised, negative circled or squared letters, regional indicators,
    digits of other scripts, keycap and dingbat digits): the ASCII letter or digit it stands for,
    read from its Unicode name and digit value."""
    table: dict[int, str] = {}
    for c in range(0x250, 0x110000):
        ch = chr(c)
        digit = unicodedata.digit(ch, None)
        if digit is not None:
            table[c] = str(digit)
            continue
        name = unicodedata.name(ch, "")
        if name.endswith(("IDEOGRAPHIC FULL STOP", "DOT LEADER")):
            table[c] = "."
            continue
        m = _STYLED_NAME.match(name)
        if m:
            small = "SMALL" in unicodedata.name(ch) and not m.group(2)
            table[c] = m.group(3).lower() if small else m.group(3)
    for c in range(0x80, 0x250):  # Latin-1 and Extended: only the digits (superscripts etc.)
        digit = unicodedata.digit(chr(c), None)
        if digit is not None:
            table[c] = str(digit)
    return table


# Look-alikes of Latin letters in Greek and Cyrillic that TR39 does not map to ASCII; read as
# Latin only inside a word that has Latin letters too (a mixed-script word).
_MIXED = str.maketrans("εηκτωχυνιαορκтпшиьѵіјԁһԛԝѕЅɑγ", "enktwxuviaopktnwubvijdhqwsSay")
_MIXED_WORD = re.compile(r"(?<!\w)\w*[A-Za-z]\w*")  # from word starts only: linear
_BIDI_OVERRIDE = re.compile("[\u202e\u2067]([^\u202c\u2069\n]*)[\u202c\u2069]?")
# Combining marks left on a Latin letter or digit once NFC has composed the real accents
# ("zalgo" text, keycaps 7\ufe0f\u20e3).
_MARKS = re.compile(
    "([A-Za-z0-9\u00c0-\u024f])([\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+)"
)


_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z]{2,8});")
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")


def _decoded(text: str, counts: list[int]) -> str:
    """HTML character references ("&#87;") and percent-encoded letters ("%57") decoded."""

    def percent(m: re.Match) -> str:
        c = chr(int(m.group(1), 16))
        return c if c.isalnum() or c in "@.:/" else m.group(0)

    new = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    new = _PERCENT.sub(percent, new)
    if new != text:
        counts[1] += 1
    return new


def _unexotic(text: str, counts: list[int]) -> str:
    """Invisible, styled, look-alike and reversed characters undone (the non-ASCII tricks)."""
    if "\u202e" in text or "\u2067" in text:  # shown right to left: written backwards
        text = _BIDI_OVERRIDE.sub(lambda m: m.group(1)[::-1], text)
        counts[0] += 1
    kept = text.translate(_invisible_table())
    counts[0] += len(text) - len(kept)
    composed = unicodedata.normalize("NFC", kept)
    bare = _MARKS.sub(r"\1", composed)
    styled = bare.translate(_styled_table())
    # Look-alikes mapped before NFKC too: it folds some (lunate sigma) into letters TR39 lacks.
    early = styled.translate(_skeleton_table())
    counts[2] += sum(a != b for a, b in zip(styled, early, strict=True))
    folded = unicodedata.normalize("NFKC", early)
    if styled != composed:  # marks dropped, styled letters and digits read
        counts[1] += sum(a != b for a, b in zip(composed, styled, strict=False)) or 1
    if folded != early:
        counts[1] += sum(a != b for a, b in zip(early, folded, strict=False)) or 1
    skeleton = folded.translate(_skeleton_table())
    counts[2] += sum(a != b for a, b in zip(folded, skeleton, strict=True))
    mixed = _MIXED_WORD.sub(lambda m: m.group(0).translate(_MIXED), skeleton)
    counts[2] += sum(a != b for a, b in zip(skeleton, mixed, strict=True))
    return mixed


# --- ASCII-level tricks ------------------------------------------------------------------------

MESSENGERS = {
    "whatsapp": (
        "whatsapp",
        "whatsap",
        "watsapp",
        "watsap",
        "whatapp",
        "wattsapp",
        "whtsapp",
        "whatsaap",
        "whatssapp",
        "wazzap",
        "whatsappen",
    ),
    "telegram": ("telegram", "telegramm", "telegran", "telgram", "telegarm", "telegramme"),
    "signal": ("signalapp",),
    "instagram": ("instagram", "instagramm", "insta", "instagrm"),
    "snapchat": ("snapchat", "snapchatt"),
    "viber": ("viber",),
    "wechat": ("wechat", "weixin"),
    "skype": ("skype", "skyp"),
    "kik": ("kikapp",),
    "line": ("lineapp",),
    "threema": ("threema",),
    "facebook": ("facebookmessenger", "messenger", "fbmessenger"),
    "kakaotalk": ("kakaotalk",),
    "discord": ("discord", "discordapp"),
    "wickr": ("wickr", "wickrme"),
    "session": ("sessionapp",),
}
_SPELLING = {v: k for k, vs in MESSENGERS.items() for v in vs}
# Messengers whose name is also a common word count only next to a channel word.
_AMBIGUOUS = re.compile(
    r"(?i)\b(?:on|via|op|auf|på|paa|över|over|per|über|through|bei|in)\s+"
    r"(signal|line|kik|snap|session)\b(?!\s+(?:of|with|for|to|van|med|mit)\b)"
    # nor before a lower-case word that it qualifies ("on signal processing", "in line management")
    r"(?!\s+(?!(?:me|now|today|asap|and|or|at|app|id|please|too|instead|if|when|so)\b)"
    r"[a-zæøåäöüß]{3,}\b)"
    r"|\b(signal|line|kik|session)\s*(?:app|id|:|\+|messenger)"
    # Abbreviated names (WhatsApp, Telegram, Instagram), upper case, by a channel word or a number.
    r"|(?-i:\b(?:on|via|op|auf|på|per|über|through|my|mein|min|mijn)\s+(?:WA|W/A|TG|IG)\b)"
    r"|(?-i:\b(?:WA|W/A|TG)\s*:?\s*\+?\d)"
)
CANONICAL = {k: k.capitalize() for k in MESSENGERS} | {
    "whatsapp": "WhatsApp",
    "wechat": "WeChat",
    "facebook": "FacebookMessenger",
    "kakaotalk": "KakaoTalk",
    "signal": "SignalApp",
    "kik": "KikApp",
    "line": "LineApp",
    "session": "SessionApp",
}
# What counts as naming a messenger in a normalised note.
MESSENGER = (
    r"(?i)\b(?:whatsapp|telegram|instagram|snapchat|viber|wechat|skype|threema|facebookmessenger|"
    r"kakaotalk|signalapp|kikapp|lineapp|discord|wickr|sessionapp)\b|\(messenger\)"
)

_LEET_FROM, _LEET_TO = "4@31!|05$7+8", "aaeiiiossttb"
_LEET = str.maketrans(_LEET_FROM, _LEET_TO)
_HAS_LEET = re.compile(r"[A-Za-z][0-9@$!|+]+[A-Za-z]|[0-9@$!|+][A-Za-z]{2}")

# Letters or digits split one by one by separators: spaces, punctuation, symbols or emoji
# ("W-h-a-t-s-A-p-p", "w h a t s", "W . h . a", "W🔥h🔥a🔥t", "7 7 0 0").
_SEPARATED = re.compile(r"(?<![^\W_])([^\W_](?:[\W_]{1,3}[^\W_]){3,})(?![^\W_])")
_SEP_CHARS = re.compile(r"[\W_]+")

TLDS = (
    "com|net|org|io|ly|me|co|info|biz|xyz|app|link|site|online|shop|store|club|top|live|"
    "de|nl|dk|se|no|uk|eu|ru|cn|ai|gg|to|cc|ee|gd|li"
)
_HXXP = re.compile(r"(?i)\bh[xX*]{2}p(s?)\b")
_OBF_DOT = re.compile(
    r"(?i)\s*(?:\[\s*(?:\.|dot|punkt|punt)\s*\]|\(\s*(?:\.|dot|punkt|punt)\s*\)|"
    r"\{\s*(?:\.|dot|punkt|punt)\s*\}|<\s*(?:\.|dot)\s*>)\s*"
)
# A domain spelt with spoken dots ("www dot example dot com"): every label up to the TLD.
_SPOKEN_DOT = re.compile(
    r"(?i)(?<![\w.-])[a-z0-9-]+(?:\s+(?:dot|punkt|punt)\s+[a-z0-9-]+)*\s+(?:dot|punkt|punt)\s+"
    r"(?:com|net|org|io|ly|me|co|info|biz|xyz|app|de|nl|dk|se|no|uk|eu|ru|cn)\b"
)
_DOT_WORD = re.compile(r"(?i)\s+(?:dot|punkt|punt)\s+")
_OBF_AT = re.compile(
    r"(?i)\s*(?:\[\s*(?:at|@|snabel-?a)\s*\]|\(\s*(?:at|@|snabel-?a)\s*\)|\{\s*(?:at|@)\s*\}|"
    r"<\s*(?:at|@)\s*>)\s*"
)
_SPOKEN_AT = re.compile(
    r"(?i)(?<![a-z0-9._%+-])([a-z0-9._%+-]+)\s+(?:at|snabel-?a|bij)\s+([a-z0-9-]+)\s*\.\s*("
    + TLDS
    + r")\b"
)
_SPOKEN_AT_GATE = re.compile(r"(?i)\s(?:at|snabel-?a|bij)\s+[a-z0-9-]+\s*\.\s*(?:" + TLDS + r")\b")

_SPACED_AT = re.compile(
    r"(?i)(?<![a-z0-9._%+-])([a-z0-9._%+-]+)\s*@\s*([a-z0-9-]+)\s*\.\s*(" + TLDS + r")\b"
)

SHORTENERS = (
    r"bit\.ly|tinyurl\.com|tinyurl|t\.co|goo\.gl|ow\.ly|is\.gd|buff\.ly|rb\.gy|cutt\.ly|shorturl\.at|"
    r"t\.me|wa\.me|linktr\.ee|rebrand\.ly|tiny\.cc|bl\.ink|s\.id|lnkd\.in"
)
# RE2 syntax (Arrow counts it): no look-around. "net" is left out of the bare domains (ASP.NET).
LINK = (
    r"(?i)https?://|www\.|\b(?:" + SHORTENERS + r")\b"
    r"|(?:^|[^@\w.])[a-z0-9][a-z0-9-]{1,62}\.(?:" + TLDS.replace("net|", "") + r")\b"
)

# Digits as words, in the six languages (only read as digits in a run that makes a number).
DIGIT_WORDS = {
    "zero": "0",
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "null": "0",
    "eins": "1",
    "ein": "1",
    "zwei": "2",
    "zwo": "2",
    "drei": "3",
    "vier": "4",
    "fünf": "5",
    "fuenf": "5",
    "sechs": "6",
    "sieben": "7",
    "acht": "8",
    "neun": "9",
    "nul": "0",
    "een": "1",
    "twee": "2",
    "drie": "3",
    "vijf": "5",
    "zes": "6",
    "zeven": "7",
    "negen": "9",
    "en": "1",
    "et": "1",
    "to": "2",
    "tre": "3",
    "fire": "4",
    "fem": "5",
    "seks": "6",
    "syv": "7",
    "sju": "7",
    "otte": "8",
    "åtte": "8",
    "ni": "9",
    "noll": "0",
    "ett": "1",
    "två": "2",
    "fyra": "4",
    "sex": "6",
    "åtta": "8",
    "nio": "9",
    "plus": "+",
}
_NUMBER_WORD = r"(?:" + "|".join(sorted(DIGIT_WORDS, key=len, reverse=True)) + r")"
_WORD_RUN = re.compile(
    r"(?i)(?<!\w)(" + _NUMBER_WORD + r"(?:[\s,\-/]+(?:" + _NUMBER_WORD + r"|\d+)){5,})(?!\w)"
)
# Digit runs with O for 0, l or I for 1, split by spaces, dots, dashes or slashes.
# Digit runs with O for 0, l or I for 1, split by spaces, dots, dashes, slashes or other symbols.
_DIGITISH = re.compile(r"(?<![\w+])(\+?[\dOoIl](?:[^\w\n]{0,3}[\dOoIl]){6,})(?!\w)")
_PLAIN_PHONE_CHARS = frozenset("0123456789+ -().")
_NOT_DIGIT = re.compile(r"[^\d+]+")
_DIGIT_FIX = str.maketrans("OoIl", "0011")
_NUMBER_SPLIT = re.compile(r"[\s,\-/]+")
# "double seven", "triple zero" in the six languages.
_TIMES = {
    "double": 2,
    "dobbelt": 2,
    "dobbel": 2,
    "dubbel": 2,
    "doppel": 2,
    "doppelt": 2,
    "triple": 3,
    "tredobbelt": 3,
    "trippel": 3,
    "tripel": 3,
    "dreifach": 3,
}
_MULTIPLIED = re.compile(
    r"(?i)\b("
    + "|".join(_TIMES)
    + r")[\s-]+("
    + "|".join(sorted(DIGIT_WORDS, key=len, reverse=True))
    + r"|\d)\b"
)
PHONE = r"\+?\d[\d\s().-]{7,}\d"
_PHONE_RE = re.compile(PHONE)

_LINK_GATE = (
    "xxp",
    "**p",
    "[",
    "(",
    "{",
    "<",
    " dot ",
    " punkt ",
    " punt ",
    " @",
    "@ ",
    " .",
    ". ",
    " :",
)


def _join_separated(text: str, counts: list[int]) -> str:
    def join(m: re.Match) -> str:
        pieces = [p for p in _SEP_CHARS.split(m.group(1)) if p]
        if not all(len(p) == 1 for p in pieces):
            return m.group(1)
        if all(p.isdigit() for p in pieces):
            return m.group(1)  # digits in groups are a phone number, read by the phone step
        counts[3] += 1
        return "".join(pieces)

    return _SEPARATED.sub(join, text)


# Money and pitch words leet, separators or respelling may hide, six languages: whole words, and
# stems that may take any ending. A disguised word is matched by its letters (see _fold).
BAIT_WORDS = frozenset(
    [
        "demo",
        "offer",
        "free",
        "gratis",
        "earn",
        "income",
        "forex",
        "bitcoin",
        "trading",
        "rendite",
        "rendement",
        "afkast",
        "avkastning",
        "korting",
        "tilbud",
        "erbjudande",
        "aanbieding",
        "angebot",
        "webinar",
        "discount",
        "revenue",
        "proposal",
        "money",
        "cash",
        "bonus",
        "profit",
        "profits",
        "omzet",
    ]
)
BAIT_STEMS = (
    "invest",
    "crypto",
    "krypto",
    "guarantee",
    "garant",
    "kostenlos",
    "rabat",
    "beleggings",
    "geldanlage",
    "umsatz",
    "omsætning",
    "omsättning",
    "omsetning",
    "investering",
    "investition",
)
# Real words one edit away from a messenger's name (collapsed): never read as that messenger.
NEAR_WORDS = frozenset({"whatsup", "whatup", "telegraf", "thema", "threat", "theme", "wechsel"})
# Messengers matched up to one edit (misspelt): long, unambiguous names only.
_FUZZY = ("whatsapp", "telegram", "instagram", "snapchat", "wechat", "threema", "messenger")
_LEET_CHARS = frozenset("0123456789@$!|+")
_EDGE = "\"'.,-_*~|/"


_RUN = re.compile(r"(.)\1+")


@functools.lru_cache(maxsize=1 << 16)
def _collapse(word: str) -> str:
    """Runs of one letter as one letter ("whhaatsapp" -> "whatsap")."""
    return _RUN.sub(r"\1", word)


_COLLAPSED = {_collapse(v): k for v, k in _SPELLING.items()}
_COLLAPSED_FUZZY = {_collapse(n): n for n in _FUZZY} | {n: n for n in _FUZZY}
_COLLAPSED_WORDS = {_collapse(w): w for w in BAIT_WORDS}
_COLLAPSED_STEMS = {_collapse(w): w for w in BAIT_STEMS}
# Each fuzzy name and its one-letter deletions: a word one edit from a name shares one of these
# with its own deletions (then checked by _one_edit).
_DELETIONS: dict[str, set[str]] = {}
for _col, _name in _COLLAPSED_FUZZY.items():
    for _k in range(len(_col) + 1):
        _DELETIONS.setdefault(_col[:_k] + _col[_k + 1 :], set()).add(_col)
_FUZZY_LENGTHS = range(min(map(len, _COLLAPSED_FUZZY)) - 1, max(map(len, _COLLAPSED_FUZZY)) + 2)


def _one_edit(a: str, b: str) -> bool:
    """Are a and b one edit apart (a letter dropped, added, replaced, or two swapped)?"""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k in range(len(short)) if short[k] != long_[k]), len(short))
    return short[i:] == long_[i + 1 :]


def _fold(core: str) -> tuple[str, set[str]]:
    """The letters of a word as a filter would read them (lower case, leet read as letters,
    accents and separators dropped) and the tricks that took."""
    tricks = set()
    if any(c in _LEET_CHARS for c in core) and any(c.isalpha() for c in core):
        read = core.translate(_LEET)
        if read != core:
            tricks.add("leet")
        core = read
    letters = "".join(c for c in core if c.isalpha())
    if len(letters) != len(core):
        tricks.add("separated")
    plain = "".join(
        c for c in unicodedata.normalize("NFD", letters) if not unicodedata.combining(c)
    )
    if plain != letters and plain.isascii() and not _is_bait(letters.lower()):
        tricks.add("respelt")
        letters = plain
    return letters.lower(), tricks


def _messenger_of(word: str) -> tuple[str | None, bool]:
    """The messenger a folded word names, and whether it is misspelt (repeated letters or one
    edit from the name)."""
    if word in _SPELLING:
        return _SPELLING[word], word != _SPELLING[word]
    col = _collapse(word)
    if col in _COLLAPSED:
        return _COLLAPSED[col], True
    for w in {col, word}:
        if len(w) not in _FUZZY_LENGTHS or w in NEAR_WORDS:
            continue
        for k in range(len(w) + 1):
            for name_col in _DELETIONS.get(w[:k] + w[k + 1 :], ()):
                if _one_edit(w, name_col):
                    return _SPELLING[_COLLAPSED_FUZZY[name_col]], True
    return None, False


def _bait_of(word: str) -> str | None:
    """The money or pitch word a folded word spells with its letters repeated, or None."""
    col = _collapse(word)
    if col in _COLLAPSED_WORDS:
        return _COLLAPSED_WORDS[col]
    for stem_col, stem in _COLLAPSED_STEMS.items():
        if col.startswith(stem_col):
            return stem + col[len(stem_col) :]
    return None


def _is_bait(word: str) -> bool:
    return word in BAIT_WORDS or word.startswith(BAIT_STEMS)


_WORD_TOKEN = re.compile(r"[^\s,;:!?()\[\]{}\"]+")
_INDEX = {t: k for k, t in enumerate(TRICKS)}


def _red_flag_words(text: str, counts: list[int]) -> str:
    """Each word that, read as a filter reads it (see _fold), names a messenger or a money word
    is written plainly, and the tricks it used are counted. Other words are left as they are."""

    words = _WORD_TOKEN.findall(text)
    reads = list(map(_read_word, words))
    if [plain for plain, _ in reads] == words and not any(tricks for _, tricks in reads):
        return text  # most notes: no word to rewrite, no trick to count

    def one(m: re.Match) -> str:
        plain, tricks = _read_word(m.group(0))
        for t in tricks:
            counts[_INDEX[t]] += 1
        return plain

    return _WORD_TOKEN.sub(one, text)


@functools.lru_cache(maxsize=1 << 16)
def _read_word(tok: str) -> tuple[str, tuple[str, ...]]:
    """A word as _red_flag_words writes it, and the tricks it used (words repeat: cached)."""
    core = tok.strip(_EDGE)
    if len(core) < 3 or not any(c.isalpha() for c in core):
        return tok, ()
    word, tricks = _fold(core)
    if len(word) < 3:
        return tok, ()
    if "separated" in tricks:  # "investment-grade", "WhatsApp-Gruppe": nothing hidden
        pieces = re.split(r"[\W_]+", core.translate(_LEET).lower())
        if any(_is_bait(p) or p in _SPELLING for p in pieces if len(p) >= 3):
            return tok, ()
    name, misspelt = _messenger_of(word)
    if name is not None:
        if misspelt:
            tricks.add("messenger")
        plain = CANONICAL[name]
    elif _is_bait(word):
        if not tricks and (core.islower() or core.istitle()):
            return tok, ()
        plain = word  # mixed or upper case ("cRyPtO", "DEMO") in lower case, not counted
    else:
        plain = _bait_of(word) if word != _collapse(word) else None
        if plain is None:
            return tok, ()
        tricks.add("respelt")
    if core[:1].isupper() and not core[1:2].isupper() and plain.islower():
        plain = plain.capitalize()
    start = tok.index(core)
    return tok[:start] + plain + tok[start + len(core) :], tuple(sorted(tricks))


_CHANNEL_WORDS = {"on", "via", "op", "auf", "på", "paa", "per", "über", "through", "over"}
_TWO_WORDS = re.compile(
    r"(?i)\b(wh?at+'?s|wats|tele|insta|snap|we|face\s?book)(?:\s+|[-_.]\s+)(app|gram|chat|messenger)\b"
)


_ALPHA_RUN = re.compile(r"[^\W\d_]+")
_GAP = re.compile(r"[\s\-]{1,4}")


@functools.lru_cache(maxsize=1 << 16)
def _flag_word(word: str) -> bool:
    """Is a lower-case word a messenger's name or a money word (repeated letters allowed)?"""
    return _is_bait(word) or _collapse(word) in _COLLAPSED or _bait_of(word) is not None


def _join_pieces(text: str, counts: list[int]) -> str:
    """Two neighbouring pieces split by a space, a no-break space, a hyphen or a line break
    ("Teleg ram", "Teleg-\\nram") that together, and not alone, name a messenger or money word
    are joined."""
    words = list(_ALPHA_RUN.finditer(text))
    pieces = [m.group() for m in words]
    # A join needs its pair to be a red-flag word (the test below): most notes have no such
    # pair, and need one cached test per pair and nothing else.
    if not any(map(_flag_word, map(str.lower, map(str.__add__, pieces, pieces[1:])))):
        return text
    out, last, i = [], 0, 0
    while i < len(words) - 1:
        a, b = words[i], words[i + 1]
        joined = (a.group() + b.group()).lower()
        gap = text[a.end() : b.start()]
        # Two words split by ordinary spaces are read as one only for a messenger's name or
        # round a single letter ("Tele gram", "crypt o"; not "for ex-colleagues", "we chat").
        # The tests are pure: the rarely passed, cached word test comes first.
        if (
            _GAP.fullmatch(gap)
            and _flag_word(joined)
            and (
                gap.strip(" ") != ""
                or (
                    joined != "wechat"
                    and (
                        _collapse(joined) in _COLLAPSED or min(len(a.group()), len(b.group())) == 1
                    )
                )
            )
            and not _flag_word(a.group().lower())
            and not _flag_word(b.group().lower())
        ):
            out += [text[last : a.start()], a.group() + b.group()]
            last, i = b.end(), i + 2
            counts[3] += 1
            continue
        i += 1
    out.append(text[last:])
    return "".join(out)


def _messengers(text: str, counts: list[int]) -> str:
    def two(m: re.Match) -> str:
        joined = re.sub(r"[^a-z]", "", (m.group(1) + m.group(2)).lower())
        before = m.string[: m.start()].lower().split()[-1:]
        if joined not in _SPELLING or (joined == "wechat" and not set(before) & _CHANNEL_WORDS):
            return m.group(0)
        counts[5] += 1
        return CANONICAL[_SPELLING[joined]]

    text = _TWO_WORDS.sub(two, text)

    text = _join_pieces(text, counts)
    text = _red_flag_words(text, counts)
    return _AMBIGUOUS.sub(lambda m: m.group(0) + " (messenger)", text)


_SPACED_SCHEME = re.compile(r"(?i)\b(https?)\s*:\s*/\s*/\s*")
_SPACED_DOMAIN = re.compile(
    r"(?i)(?<![\w.-])([a-z0-9-]+(?:\s*\.\s*[a-z0-9-]+)*\s+\.\s*(?:" + TLDS + r")|"
    r"[a-z0-9-]+(?:\s*\.\s*[a-z0-9-]+)*\s*\.\s+(?:" + TLDS + r"))\b(\s*/\s*[\w-]+)?"
)


def _links(text: str, counts: list[int]) -> str:
    new = _HXXP.sub(lambda m: f"http{m.group(1)}", text)
    new = _SPACED_SCHEME.sub(lambda m: m.group(1) + "://", new)
    new = _SPACED_DOMAIN.sub(lambda m: re.sub(r"\s+", "", m.group(0)), new)
    new = _OBF_DOT.sub(".", new)
    new = _SPOKEN_DOT.sub(lambda m: _DOT_WORD.sub(".", m.group(0)), new)
    if new != text:
        counts[6] += 1
    at = _OBF_AT.sub("@", new)
    at = _SPACED_AT.sub(lambda m: f"{m.group(1)}@{m.group(2)}.{m.group(3)}", at)
    at = _SPOKEN_AT.sub(lambda m: f"{m.group(1)}@{m.group(2)}.{m.group(3)}", at)
    if at != new:
        counts[7] += 1
    return at


def _phones(text: str, counts: list[int]) -> str:
    before = counts[8]

    def words(m: re.Match) -> str:
        parts = re.split(r"[\s,\-/]+", m.group(1))
        digits = "".join(DIGIT_WORDS.get(p.lower(), p) for p in parts)
        if sum(c.isdigit() for c in digits) < 7:
            return m.group(1)
        counts[8] += 1
        return digits

    if _MULTIPLIED.search(text):
        text = _MULTIPLIED.sub(lambda m: " ".join([m.group(2)] * _TIMES[m.group(1).lower()]), text)
    if sum(w in DIGIT_WORDS for w in _NUMBER_SPLIT.split(text.lower())) >= 6:
        text = _WORD_RUN.sub(words, text)

    def digitish(m: re.Match) -> str:
        run = m.group(1)
        fixed = run.translate(_DIGIT_FIX)
        changed = fixed != run or not set(run) <= _PLAIN_PHONE_CHARS
        if changed and sum(c.isdigit() for c in run) >= 3 and sum(c.isdigit() for c in fixed) >= 7:
            counts[8] += 1
            return _NOT_DIGIT.sub(" ", fixed).strip()
        return run

    text = _DIGITISH.sub(digitish, text)
    if counts[8] > before:  # written as the plain note would be: one format for every number
        text = _PHONE_RE.sub(_formatted, text)
    return text


def _formatted(m: re.Match) -> str:
    """A phone number with its country code in the international format, else as found."""
    if not m.group(0).startswith("+"):
        return m.group(0)
    try:
        number = phonenumbers.parse(m.group(0), None)
    except phonenumbers.NumberParseException:
        return m.group(0)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_count(text: str) -> int:
    """Phone numbers in a normalised note: the runs the PHONE pattern finds, or if none, the
    phonenumbers library's matches (international with +, or national)."""
    if sum(map(str.isdigit, text)) < 7:
        return 0
    by_pattern = len(_PHONE_RE.findall(text))
    if by_pattern:  # the library is slow: only for what PHONE misses
        return by_pattern
    lenient = phonenumbers.Leniency.POSSIBLE
    return sum(1 for _ in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=lenient))


def _word_gates() -> tuple[str, ...]:
    """RE2, one pattern each (one alternation of all is many times slower): a messenger or money
    word with letters repeated; a messenger or money word with accented letters, leetspeak
    digits or other characters between its letters; a long messenger name one letter off. The
    Python steps then read them."""
    accented: dict[str, str] = {}
    for c in range(0xC0, 0x250):
        base = unicodedata.normalize("NFD", chr(c))[0]
        if base.isascii() and base.isalpha():
            accented[base.lower()] = accented.get(base.lower(), "") + chr(c)
    for leet, letter in zip(_LEET_FROM, _LEET_TO, strict=True):
        accented[letter] = accented.get(letter, "") + re.escape(leet)
    words = sorted({_collapse(w) for w in (*_SPELLING, *BAIT_WORDS, *BAIT_STEMS)})
    repeated = "(?i)" + "|".join("".join(c + "+" for c in w) for w in words)

    def dressed(group: tuple[str, ...]) -> str:
        return "|".join(
            r"[^\s\w]{0,3}".join(f"[{c}{c.upper()}{accented.get(c, '')}]+" for c in w)
            for w in sorted({_collapse(w) for w in group})
        )

    near = set()
    for name in (_collapse(n) for n in _FUZZY):
        for i in range(len(name)):
            near |= {name[:i] + "." + name[i + 1 :], name[:i] + name[i + 1 :]}
            near.add(name[:i] + "." + name[i:])
    fuzzy = "(?i)" + "|".join(w.replace(".", "[^\\n]") for w in sorted(near))
    # Names and money words in two patterns: RE2's automaton for both in one is far slower.
    return repeated, dressed(_SPELLING), dressed((*BAIT_WORDS, *BAIT_STEMS)), fuzzy


# RE2 (Arrow): a note that matches none of these has no trick to undo, and is left as it is.
GATE = (
    r"[^\x00-\x{ac}\x{ae}-\x{24f}]"
    r"|[^\W_][\W_]{1,3}[^\W_][\W_]{1,3}[^\W_][\W_]{1,3}[^\W_]"
    r"|[A-Za-z][_\-.*]+[A-Za-z]|[A-Za-z][0-9@$!|+]+[A-Za-z]|[0-9@$!|+][A-Za-z]{2}"
    r"|(?i:wh?att?s?a?p|wh?at+'?s\s|\bwe\s+chat|whts|tele?gr|insta|snap|viber|wechat|weixin|skyp|\bkik|\bline\b|signal|"
    r"threema|messeng|wazz|kakao|xxp| dot | punkt | punt |\s(?:at|snabel-?a|bij)\s+[a-z0-9-]+\s*"
    r"\.\s*(?:" + TLDS + r")\b)|[\[({<]|\d[OoIl]|[OoIl]\d|\d\s?[^\w\s+\-().,]\s?\d"
    r"|(?i:\b"
    + _NUMBER_WORD
    + r"\b[\s,\-/]+\b"
    + _NUMBER_WORD
    + r"\b[\s,\-/]+\b"
    + _NUMBER_WORD
    + r"\b)"
    r"|\s@|@\s|\s\.\s*(?i:"
    + TLDS
    + r")\b"
    + r"|&#|&[A-Za-z]{2,8};|%[0-9A-Fa-f]{2}|\b(?:WA|W/A|TG|IG)\b"
    + r"|(?i:https?\s+:|\s:\s*/\s*/)|[-_.]\s+(?i:app|gram|chat)\b|\w-[ \t]*\n"
    + r"|(?i:\b(?:double|triple|dobbelt?|dubbel|doppelt?|trippel|tripel|tredobbelt|dreifach)\s)"
)
GATES = (GATE, *_word_gates())


def normalise_many(texts: pa.Array) -> tuple[list[str], np.ndarray]:
    """normalise over a string array without nulls: the texts, and their trick counts (one row
    per text, one column per trick). Only texts that match one of GATES (found by Arrow) go
    through Python."""
    gate = np.zeros(len(texts), dtype=bool)
    for pattern in GATES:
        gate |= pc.match_substring_regex(texts, pattern).to_numpy(zero_copy_only=False)
    out = texts.to_pylist()
    counts = np.zeros((len(out), len(TRICKS)))
    for i in np.flatnonzero(gate).tolist():
        out[i], counts[i] = normalise(out[i])
    return out, counts


def phone_counts(texts: list[str]) -> np.ndarray:
    """phone_count of each normalised text; those with fewer than 7 digits have none."""
    arr = pa.array(texts, pa.string())
    many = pc.greater_equal(pc.count_substring_regex(arr, r"\d"), 7).to_numpy(zero_copy_only=False)
    out = np.zeros(len(texts))
    for i in np.flatnonzero(many).tolist():
        out[i] = phone_count(texts[i])
    return out


def normalise(text: str) -> tuple[str, list[int]]:
    """The note with every trick undone, and per trick of TRICKS how often it was found."""
    counts = [0] * len(TRICKS)
    if "&" in text or "%" in text:
        text = _decoded(text, counts)
    if not text.isascii() and _EXOTIC.search(text):
        text = _unexotic(text, counts)
    low = text.lower()
    if _SEPARATED.search(text):
        text = _join_separated(text, counts)
    text = _messengers(text, counts)
    low = text.lower()
    if any(g in low for g in _LINK_GATE) or _SPOKEN_AT_GATE.search(text):
        text = _links(text, counts)
    if _DIGIT_TRICK.search(text) or sum(w in DIGIT_WORDS for w in _NUMBER_SPLIT.split(low)) >= 6:
        text = _phones(text, counts)
    return text, counts
