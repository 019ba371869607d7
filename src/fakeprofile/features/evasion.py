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
_DIGIT_TRICK = re.compile(r"\d[OoIl]|[OoIl]\d|\d\s?/\s?\d")


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
}
_SPELLING = {v: k for k, vs in MESSENGERS.items() for v in vs}
# A word that squeezes (letters only, lower case, leet read as letters) to a messenger's name.
_SQUEEZED = re.compile(r"(?i)^(?:" + "|".join(sorted(_SPELLING, key=len, reverse=True)) + r")$")
# Messengers whose name is also a common word count only next to a channel word.
_AMBIGUOUS = re.compile(
    r"(?i)\b(?:on|via|op|auf|på|paa|över|over|per|über|through|bei|in)\s+"
    r"(signal|line|kik|threema|snap)\b(?!\s+(?:of|with|for|to|van|med|mit)\b)"
    r"|\b(signal|line|kik)\s*(?:app|id|:|\+|messenger)"
)
CANONICAL = {k: k.capitalize() for k in MESSENGERS} | {
    "whatsapp": "WhatsApp",
    "wechat": "WeChat",
    "facebook": "FacebookMessenger",
    "kakaotalk": "KakaoTalk",
    "signal": "SignalApp",
    "kik": "KikApp",
    "line": "LineApp",
}
# What counts as naming a messenger in a normalised note.
MESSENGER = (
    r"(?i)\b(?:whatsapp|telegram|instagram|snapchat|viber|wechat|skype|threema|facebookmessenger|"
    r"kakaotalk|signalapp|kikapp|lineapp)\b|\(messenger\)"
)

# Words leet may hide (their squeezed forms): messengers and the money and contact words.
_BAIT_WORDS = set(_SPELLING) | {
    "invest",
    "investment",
    "investing",
    "investor",
    "invests",
    "profit",
    "profits",
    "crypto",
    "bitcoin",
    "forex",
    "trading",
    "income",
    "earn",
    "money",
    "cash",
    "free",
    "gratis",
    "email",
    "mail",
    "contact",
    "call",
    "text",
    "message",
    "write",
    "dm",
    "phone",
    "number",
    "offer",
    "bonus",
    "discount",
    "guaranteed",
    "return",
    "returns",
    "demo",
    "click",
    "link",
}
_LEET = str.maketrans("4@31!|05$7+8", "aaeiiiossttb")
_TOKEN = re.compile(r"[^\s,;:!?()\[\]{}\"']+")
# A whole token (as _TOKEN cuts them) whose letters A-Z, once its other characters are dropped,
# spell a messenger (any case): the only tokens the messenger step can rewrite, found in one pass
# instead of a Python call per token. Letters are spelt [Ww] (no IGNORECASE, which would also take
# some non-ASCII letters as Latin ones).
_OTHER = r"[^A-Za-z\s,;:!?()\[\]{}\"']*"
_MESSENGER_TOKEN = re.compile(
    r"(?<![^\s,;:!?()\[\]{}\"'])"
    + _OTHER
    + "(?:"
    + "|".join(
        _OTHER.join(f"[{c.upper()}{c}]" for c in v)
        for v in sorted(_SPELLING, key=len, reverse=True)
    )
    + ")"
    + _OTHER
    + r"(?![^\s,;:!?()\[\]{}\"'])"
)
_HAS_LEET = re.compile(r"[A-Za-z][0-9@$!|+]+[A-Za-z]|[0-9@$!|+][A-Za-z]{2}")

# Letters or digits split one by one by a separator ("W-h-a-t-s", "w h a t s", "7 7 0 0").
_SEPARATED = re.compile(r"(?<![\w])(\w(?:[ .\-_*·•~|/]{1,2}\w){3,})(?![\w])")
_SEP_CHARS = re.compile(r"[ .\-_*·•~|/]")
# Any word with a separator inside between two letters ("Whats_App", "Tele-gram").
_SPLIT_WORD = re.compile(r"(?<![\w])([A-Za-z]+(?:[_\-.*·]+[A-Za-z]+)+)(?![\w])")

TLDS = (
    "com|net|org|io|ly|me|co|info|biz|xyz|app|link|site|online|shop|store|club|top|live|"
    "de|nl|dk|se|no|uk|eu|ru|cn|ai|gg|to|cc|ee|gd|li"
)
_HXXP = re.compile(r"(?i)\bh[xX*]{2}p(s?)\b")
_OBF_DOT = re.compile(
    r"(?i)\s*(?:\[\s*(?:\.|dot|punkt|punt)\s*\]|\(\s*(?:\.|dot|punkt|punt)\s*\)|"
    r"\{\s*(?:\.|dot|punkt|punt)\s*\}|<\s*(?:\.|dot)\s*>)\s*"
)
_SPOKEN_DOT = re.compile(
    r"(?i)(?<=\w)\s+(?:dot|punkt|punt)\s+(?=(?:com|net|org|io|ly|me|co|info|biz|xyz|app|de|nl|dk|"
    r"se|no|uk|eu|ru|cn)\b)"
)
_OBF_AT = re.compile(
    r"(?i)\s*(?:\[\s*(?:at|@|snabel-?a)\s*\]|\(\s*(?:at|@|snabel-?a)\s*\)|\{\s*(?:at|@)\s*\}|"
    r"<\s*(?:at|@)\s*>)\s*"
)
_SPOKEN_AT = re.compile(
    r"(?i)([a-z0-9._%+-]+)\s+(?:at|snabel-?a|bij)\s+([a-z0-9-]+)\s*\.\s*(" + TLDS + r")\b"
)
_SPOKEN_AT_GATE = re.compile(r"(?i)\s(?:at|snabel-?a|bij)\s+[a-z0-9-]+\s*\.\s*(?:" + TLDS + r")\b")

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
_DIGITISH = re.compile(r"(?<![\w+])(\+?[\dOoIl](?:[\s./()\-]{0,2}[\dOoIl]){6,})(?!\w)")
_DIGIT_FIX = str.maketrans("OoIl", "0011")
PHONE = r"\+?\d[\d\s().-]{7,}\d"
_PHONE_RE = re.compile(PHONE)

_STEMS = (
    "ats",
    "tsap",
    "tele",
    "insta",
    "snap",
    "viber",
    "chat",
    "weixin",
    "skyp",
    "kik",
    "line",
    "signal",
    "threema",
    "messeng",
    "wazz",
    "whts",
    "kakao",
    "wha",
    "wat",
)
_LINK_GATE = ("xxp", "[", "(", "{", "<", " dot ", " punkt ", " punt ")
_SEP_GATE = re.compile(r"\w[ .\-_*·•~|/]{1,2}\w[ .\-_*·•~|/]{1,2}\w[ .\-_*·•~|/]{1,2}\w(?!\w)")
_SPLIT_GATE = re.compile(r"[A-Za-z][_\-.*·]+[A-Za-z]")


def _join_separated(text: str, counts: list[int]) -> str:
    def join(m: re.Match) -> str:
        pieces = _SEP_CHARS.split(m.group(1))
        if not all(len(p) == 1 for p in pieces if p):
            return m.group(1)
        if all(p.isdigit() for p in pieces if p):
            return m.group(1)  # digits in groups are a phone number, read by the phone step
        counts[3] += 1
        return "".join(pieces)

    text = _SEPARATED.sub(join, text)

    def split_word(m: re.Match) -> str:
        squeezed = _SEP_CHARS.sub("", m.group(1)).lower()
        if squeezed in _SPELLING:
            counts[3] += 1
            return _SEP_CHARS.sub("", m.group(1))
        return m.group(1)

    return _SPLIT_WORD.sub(split_word, text)


def _read_leet(text: str, counts: list[int]) -> str:
    def one(m: re.Match) -> str:
        tok = m.group(0)
        if not _HAS_LEET.search(tok):
            return tok
        core = tok.strip(".-")
        plain = core.translate(_LEET)
        if plain.isalpha() and plain.lower() in _BAIT_WORDS:
            counts[4] += 1
            return tok.replace(core, plain)
        return tok

    return _TOKEN.sub(one, text)


_CHANNEL_WORDS = {"on", "via", "op", "auf", "på", "paa", "per", "über", "through", "over"}
_TWO_WORDS = re.compile(
    r"(?i)\b(wh?at+'?s|wats|tele|insta|snap|we|face\s?book)\s+(app|gram|chat|messenger)\b"
)


def _messengers(text: str, counts: list[int]) -> str:
    def two(m: re.Match) -> str:
        joined = re.sub(r"[^a-z]", "", (m.group(1) + m.group(2)).lower())
        before = m.string[: m.start()].lower().split()[-1:]
        if joined not in _SPELLING or (joined == "wechat" and not set(before) & _CHANNEL_WORDS):
            return m.group(0)
        counts[5] += 1
        return CANONICAL[_SPELLING[joined]]

    text = _TWO_WORDS.sub(two, text)

    def one(m: re.Match) -> str:
        tok = m.group(0)
        core = re.sub(r"[^A-Za-z]", "", tok)
        if not _SQUEEZED.match(core):
            return tok
        name = _SPELLING[core.lower()]
        if core.lower() != name or re.search(r"[^A-Za-z]", tok.strip(".,")):
            counts[5] += 1
        return CANONICAL[name]

    text = _MESSENGER_TOKEN.sub(one, text)
    return _AMBIGUOUS.sub(lambda m: m.group(0) + " (messenger)", text)


def _links(text: str, counts: list[int]) -> str:
    new = text if "xxp" not in text.lower() else _HXXP.sub(lambda m: f"http{m.group(1)}", text)
    new = _OBF_DOT.sub(".", new)
    new = _SPOKEN_DOT.sub(".", new)
    if new != text:
        counts[6] += 1
    at = _OBF_AT.sub("@", new)
    at = _SPOKEN_AT.sub(lambda m: f"{m.group(1)}@{m.group(2)}.{m.group(3)}", at)
    if at != new:
        counts[7] += 1
    return at


def _phones(text: str, counts: list[int]) -> str:
    def words(m: re.Match) -> str:
        parts = re.split(r"[\s,\-/]+", m.group(1))
        digits = "".join(DIGIT_WORDS.get(p.lower(), p) for p in parts)
        if sum(c.isdigit() for c in digits) < 7:
            return m.group(1)
        counts[8] += 1
        return digits

    if sum(w in DIGIT_WORDS for w in text.lower().split()) >= 6:
        text = _WORD_RUN.sub(words, text)

    def digitish(m: re.Match) -> str:
        run = m.group(1)
        fixed = run.translate(_DIGIT_FIX)
        changed = "/" in run or fixed != run
        if changed and sum(c.isdigit() for c in run) >= 3 and sum(c.isdigit() for c in fixed) >= 7:
            counts[8] += 1
            return fixed.replace("/", " ")
        return run

    return _DIGITISH.sub(digitish, text)


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


# RE2 (Arrow): a note that matches none of these has no trick to undo, and is left as it is.
GATE = (
    r"[^\x00-\x{ac}\x{ae}-\x{24f}]"
    r"|\w[ .\-_*~|/]{1,2}\w[ .\-_*~|/]{1,2}\w[ .\-_*~|/]{1,2}\w"
    r"|[A-Za-z][_\-.*]+[A-Za-z]|[A-Za-z][0-9@$!|+]+[A-Za-z]|[0-9@$!|+][A-Za-z]{2}"
    r"|(?i:wh?att?s?a?p|wh?at+'?s\s|\bwe\s+chat|whts|tele?gr|insta|snap|viber|wechat|weixin|skyp|\bkik|\bline\b|signal|"
    r"threema|messeng|wazz|kakao|xxp| dot | punkt | punt |\s(?:at|snabel-?a|bij)\s+[a-z0-9-]+\s*"
    r"\.\s*(?:" + TLDS + r")\b)|[\[({<]|\d[OoIl]|[OoIl]\d|\d\s?/\s?\d"
    r"|(?i:\b"
    + _NUMBER_WORD
    + r"\b[\s,\-/]+\b"
    + _NUMBER_WORD
    + r"\b[\s,\-/]+\b"
    + _NUMBER_WORD
    + r"\b)"
)


def normalise_many(texts: pa.Array) -> tuple[list[str], np.ndarray]:
    """normalise over a string array without nulls: the texts, and their trick counts (one row
    per text, one column per trick). Only texts that match GATE (found by Arrow in one pass) go
    through Python."""
    gate = pc.match_substring_regex(texts, GATE).to_numpy(zero_copy_only=False)
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
    if not text.isascii() and _EXOTIC.search(text):
        kept = text.translate(_invisible_table())
        counts[0] = len(text) - len(kept)
        folded = unicodedata.normalize("NFKC", kept)
        if folded != kept:
            counts[1] = (
                sum(
                    a != b for a, b in zip(unicodedata.normalize("NFC", kept), folded, strict=False)
                )
                or 1
            )
        skeleton = folded.translate(_skeleton_table())
        counts[2] = sum(a != b for a, b in zip(folded, skeleton, strict=True))
        text = skeleton
    low = text.lower()
    if _SEP_GATE.search(text) or _SPLIT_GATE.search(text):
        text = _join_separated(text, counts)
        low = text.lower()
    if _HAS_LEET.search(text):
        text = _read_leet(text, counts)
        low = text.lower()
    if any(stem in low for stem in _STEMS):
        text = _messengers(text, counts)
    if any(g in low for g in _LINK_GATE) or _SPOKEN_AT_GATE.search(text):
        text = _links(text, counts)
    if _DIGIT_TRICK.search(text) or sum(w in DIGIT_WORDS for w in low.split()) >= 6:
        text = _phones(text, counts)
    return text, counts
    text = _join_separated(text, counts)
    text = _read_leet(text, counts)
    text = _messengers(text, counts)
    text = _links(text, counts)
    text = _phones(text, counts)
    return text, counts
