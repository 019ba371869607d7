"""Red-flag notes in the six languages and the disguises spammers put on them (test helper).

Each disguise is a function (note, rng) -> note that hides the note's red-flag words (messenger
names, money words, the phone number, the link and the address) the way one trick does; the
property tests combine them at random. HELD_OUT lists tricks the normaliser was not designed
around, to measure what its principles catch (benchmarks/evasion_effect.py).
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable

LANGS = ("en", "de", "nl", "da", "sv", "nb")
PHONE = "+44 7700 900123"
EMAIL = "anna.berg@gmail.com"
LINK = "https://www.quickgains.com"
SHORT = "bit.ly/x7Kq2"

# A sales pitch, a channel move and money bait per language (written for these tests).
NOTES: dict[str, dict[str, str]] = {
    "en": {
        "pitch": f"Hi! We offer a free demo of our lead generation service, book it today: {LINK}",
        "channel": f"Hi! Let's talk on WhatsApp, write to me at {PHONE} or {EMAIL}",
        "money": f"Hello! Fantastic crypto investment, guaranteed profit, see {SHORT}",
    },
    "de": {
        "pitch": f"Hallo! Wir bieten eine kostenlose Demo unserer Leadgenerierung an: {LINK}",
        "channel": f"Hallo! Schreib mir auf WhatsApp unter {PHONE} oder an {EMAIL}",
        "money": f"Hallo! Geld verdienen mit Krypto, garantierte Rendite, siehe {SHORT}",
    },
    "nl": {
        "pitch": f"Hoi! Wij bieden een gratis demo van onze leadgeneratie aan: {LINK}",
        "channel": f"Hoi! Stuur me een bericht op WhatsApp via {PHONE} of {EMAIL}",
        "money": f"Hoi! Geld verdienen met crypto, gegarandeerd rendement, kijk op {SHORT}",
    },
    "da": {
        "pitch": f"Hej! Vi tilbyder en gratis demo af vores leadgenerering: {LINK}",
        "channel": f"Hej! Skriv til mig på WhatsApp på {PHONE} eller {EMAIL}",
        "money": f"Hej! Tjen penge på krypto med garanteret afkast, se {SHORT}",
    },
    "sv": {
        "pitch": f"Hej! Vi erbjuder en gratis demo av vår leadgenerering: {LINK}",
        "channel": f"Hej! Skriv till mig på Telegram på {PHONE} eller {EMAIL}",
        "money": f"Hej! Tjäna pengar på krypto med garanterad avkastning, se {SHORT}",
    },
    "nb": {
        "pitch": f"Hei! Vi tilbyr en gratis demo av vår leadgenerering: {LINK}",
        "channel": f"Hei! Send meg en melding på WhatsApp på {PHONE} eller {EMAIL}",
        "money": f"Hei! Tjene penger på krypto med garantert avkastning, se {SHORT}",
    },
}
MESSENGERS = ("WhatsApp", "Telegram")
# Words whose disguise matters: they raise the red flags.
KEY_WORDS = (
    *MESSENGERS,
    "demo",
    "Demo",
    "crypto",
    "Krypto",
    "krypto",
    "investment",
    "profit",
    "gratis",
    "kostenlose",
    "Rendite",
    "rendement",
    "afkast",
    "avkastning",
)
# Digits as words, per language.
DIGITS = {
    "en": "zero one two three four five six seven eight nine plus",
    "de": "null eins zwei drei vier fünf sechs sieben acht neun plus",
    "nl": "nul een twee drie vier vijf zes zeven acht negen plus",
    "da": "nul en to tre fire fem seks syv otte ni plus",
    "sv": "noll ett två tre fyra fem sex sju åtta nio plus",
    "nb": "null en to tre fire fem seks sju åtte ni plus",
}

Trick = Callable[[str, random.Random], str]


def _key(note: str, rng: random.Random) -> str | None:
    found = [w for w in KEY_WORDS if w in note]
    return rng.choice(found) if found else None


def on_word(change: Callable[[str, random.Random], str]) -> Trick:
    """A trick on one red-flag word of the note."""

    def trick(note: str, rng: random.Random) -> str:
        word = _key(note, rng)
        return note if word is None else note.replace(word, change(word, rng), 1)

    return trick


def _styled(base_upper: int, base_lower: int) -> Callable[[str, random.Random], str]:
    def change(word: str, rng: random.Random) -> str:
        out = []
        for c in word:
            if "A" <= c <= "Z":
                styled = chr(base_upper + ord(c) - 65)
            elif "a" <= c <= "z":
                styled = chr(base_lower + ord(c) - 97)
            else:
                styled = c
            out.append(styled if unicodedata.name(styled, "") else c)  # holes in the blocks
        return "".join(out)

    return change


MATH_ALPHABETS = [(0x1D400 + 52 * k, 0x1D41A + 52 * k) for k in range(13)]  # bold ... monospace
# Letters of other scripts that look like Latin ones (Cyrillic and Greek).
HOMOGLYPHS = {
    "a": "аα",
    "c": "сϲ",
    "e": "еε",
    "i": "іι",
    "o": "оο",
    "p": "рρ",
    "s": "ѕ",
    "x": "хχ",
    "y": "уγ",
    "A": "АΑ",
    "B": "ВΒ",
    "E": "ЕΕ",
    "H": "НΗ",
    "K": "КΚ",
    "M": "МΜ",
    "O": "ОΟ",
    "P": "РΡ",
    "T": "ТΤ",
    "X": "ХΧ",
    "W": "Ԝ",
}
# Invisible characters: every format character (category Cf, tags and bidi controls among them),
# variation selectors, the combining grapheme joiner and the Hangul and halfwidth fillers.
INVISIBLE = (
    [
        chr(c)
        for c in range(0x110000)
        if unicodedata.category(chr(c)) == "Cf"
        and c not in (0x600, 0x601, 0x602, 0x603, 0x604)
        and not 0x110BD <= c <= 0x110CD
        and c not in (0x6DD, 0x70F, 0x8E2, 0x890, 0x891, 0x202E, 0x202D)
    ]
    + [chr(c) for c in range(0xFE00, 0xFE10)]
    + ["\u034f", "\u3164", "\uffa0", "\u115f", "\u1160"]
)
LEET = {"a": "4@", "e": "3", "i": "1!|", "o": "0", "s": "5$", "t": "7+", "l": "1|"}


def _fullwidth(word: str, rng: random.Random) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in word)


def _math(word: str, rng: random.Random) -> str:
    return _styled(*rng.choice(MATH_ALPHABETS))(word, rng)


def _circled(word: str, rng: random.Random) -> str:
    return _styled(0x24B6, 0x24D0)(word, rng)


def _homoglyph(word: str, rng: random.Random) -> str:
    return "".join(rng.choice(HOMOGLYPHS[c]) if c in HOMOGLYPHS else c for c in word)


def _leet(word: str, rng: random.Random) -> str:
    out = [
        rng.choice(LEET[c.lower()]) if c.lower() in LEET and rng.random() < 0.7 else c for c in word
    ]
    if out == list(word):
        out = [LEET[c.lower()][0] if c.lower() in LEET else c for c in word]
    return "".join(out)


def _spaced(word: str, rng: random.Random) -> str:
    return rng.choice([".", "-", "_", " ", "*", "\u200b", " . "]).join(word)


def _split(word: str, rng: random.Random) -> str:
    k = rng.randrange(1, len(word))
    return word[:k] + rng.choice(["_", "-", ".", "\u200b"]) + word[k:]


def _invisible(word: str, rng: random.Random) -> str:
    k = rng.randrange(1, len(word))
    return word[:k] + "".join(rng.choice(INVISIBLE) for _ in range(rng.randint(1, 3))) + word[k:]


def _repeated(word: str, rng: random.Random) -> str:
    k = rng.randrange(len(word))
    return word[:k] + word[k] * rng.randint(2, 4) + word[k + 1 :]


def _case(word: str, rng: random.Random) -> str:
    return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in word)


def _misspelt(note: str, rng: random.Random) -> str:
    """One edit (a letter dropped, doubled, swapped or replaced by a near key) in a messenger."""
    name = next((m for m in MESSENGERS if m in note), None)
    if name is None:
        return note
    k = rng.randrange(1, len(name) - 1)
    how = rng.choice(["drop", "double", "swap", "replace"])
    if how == "drop":
        new = name[:k] + name[k + 1 :]
    elif how == "double":
        new = name[:k] + name[k] + name[k:]
    elif how == "swap":
        new = name[:k] + name[k + 1] + name[k] + name[k + 2 :]
    else:
        new = name[:k] + rng.choice("qwertyuiopasdfghjklzxcvbnm") + name[k + 1 :]
    return note.replace(name, new, 1)


def _phone_letters(note: str, rng: random.Random) -> str:
    return note.replace(PHONE, PHONE.replace("0", "O").replace("1", rng.choice("lI")), 1)


def _phone_split(note: str, rng: random.Random) -> str:
    sep = rng.choice(["/", ".", "-", " ", " / "])
    return note.replace(PHONE, "+44" + sep + "7700" + sep + "900" + sep + "123", 1)


def phone_words(lang: str) -> Trick:
    words = DIGITS[lang].split()

    def trick(note: str, rng: random.Random) -> str:
        spoken = " ".join(words[10] if c == "+" else words[int(c)] for c in PHONE if c != " ")
        return note.replace(PHONE, spoken, 1)

    return trick


def _link(note: str, rng: random.Random) -> str:
    dot = rng.choice(["[.]", "(.)", "(dot)", " dot ", "[dot]", "{.}"])
    scheme = rng.choice(["hxxps", "hXXps", "h**ps"])
    note = note.replace(LINK, LINK.replace("https", scheme).replace(".", dot), 1)
    return note.replace(SHORT, SHORT.replace(".", dot), 1)


def _address(note: str, rng: random.Random) -> str:
    at = rng.choice(["(at)", "[at]", " at ", " (at) ", "{at}"])
    dot = rng.choice([".", "(dot)", " dot ", "[.]"])
    user, domain = EMAIL.split("@")
    return note.replace(EMAIL, user + at + domain.replace(".", dot), 1)


TRICKS: dict[str, Trick] = {
    "fullwidth": on_word(_fullwidth),
    "math_alphanumeric": on_word(_math),
    "circled": on_word(_circled),
    "homoglyph": on_word(_homoglyph),
    "leet": on_word(_leet),
    "spaced_letters": on_word(_spaced),
    "separator_inside": on_word(_split),
    "invisible": on_word(_invisible),
    "repeated_letters": on_word(_repeated),
    "mixed_case": on_word(_case),
    "misspelt_messenger": _misspelt,
    "phone_letters": _phone_letters,
    "phone_split": _phone_split,
    "link": _link,
    "address": _address,
}
NOTE_TRICKS = {"fullwidth_note": lambda n, rng: _fullwidth(n, rng)}


# --- disguises the normaliser was not designed around (measured, see the benchmark) ------------


def _reversed_bidi(note: str, rng: random.Random) -> str:
    """The messenger written backwards inside a right-to-left override: it displays as usual."""
    name = next((m for m in MESSENGERS if m in note), None)
    return note if name is None else note.replace(name, "\u202e" + name[::-1] + "\u202c", 1)


def _keycap(note: str, rng: random.Random) -> str:
    digits = "".join(c + "\ufe0f\u20e3" if c.isdigit() else c for c in PHONE)
    return note.replace(PHONE, digits, 1)


def _superscript(note: str, rng: random.Random) -> str:
    sup = str.maketrans("0123456789+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺")
    return note.replace(PHONE, PHONE.translate(sup), 1)


def _other_digits(note: str, rng: random.Random) -> str:
    """Digits of another script (Arabic-Indic, Devanagari, Bengali, fullwidth, dingbats)."""
    base = rng.choice([0x660, 0x966, 0x9E6, 0x6F0, 0x1D7CE])
    return note.replace(PHONE, "".join(chr(base + int(c)) if c.isdigit() else c for c in PHONE), 1)


def _double(note: str, rng: random.Random) -> str:
    return note.replace(PHONE, "+44 double seven double zero nine double zero one two three", 1)


def _zalgo(word: str, rng: random.Random) -> str:
    return "".join(c + "".join(chr(rng.randint(0x300, 0x36F)) for _ in range(2)) for c in word)


def _emoji_separated(word: str, rng: random.Random) -> str:
    return rng.choice(["🔥", "✨", "➡", "·", "•", "~", "+", "'"]).join(word)


def _regional(word: str, rng: random.Random) -> str:
    return "\u200c".join(chr(0x1F1E6 + ord(c.upper()) - 65) if c.isalpha() else c for c in word)


def _negative_squared(word: str, rng: random.Random) -> str:
    return "".join(chr(0x1F170 + ord(c.upper()) - 65) if c.isalpha() else c for c in word)


def _small_caps(word: str, rng: random.Random) -> str:
    caps = str.maketrans("achpstwegmnr", "ᴀᴄʜᴘꜱᴛᴡᴇɢᴍɴʀ")
    return word.lower().translate(caps)


def _accents(word: str, rng: random.Random) -> str:
    marks = str.maketrans("aeiouAEIOU", "àéîõüÀÉÎÕÜ")
    return word.translate(marks)


def _spaced_address(note: str, rng: random.Random) -> str:
    user, domain = EMAIL.split("@")
    return note.replace(EMAIL, f"{user} @ {domain.replace('.', ' . ')}", 1)


def _apostrophe(note: str, rng: random.Random) -> str:
    return note.replace("WhatsApp", "What'sApp", 1).replace("Telegram", "Tele'gram", 1)


def _other_messenger(note: str, rng: random.Random) -> str:
    name = next((m for m in MESSENGERS if m in note), None)
    other = rng.choice(["Discord", "Wickr", "Viber", "Threema", "Snapchat", "Skype"])
    return note if name is None else note.replace(name, other, 1)


def _fraction_slash(note: str, rng: random.Random) -> str:
    return note.replace(PHONE, "+44\u20447700\u2044900\u2044123", 1)


def _replace_messenger(new: Callable[[str], str]) -> Trick:
    def trick(note: str, rng: random.Random) -> str:
        name = next((m for m in MESSENGERS if m in note), None)
        return note if name is None else note.replace(name, new(name), 1)

    return trick


def _entities(name: str) -> str:
    return f"&#{ord(name[0])};{name[1:4]}&#x{ord(name[4]):x};{name[5:]}"


def _percent(name: str) -> str:
    return f"%{ord(name[0]):02X}{name[1:4]}%{ord(name[4]):02X}{name[5:]}"


def _phone_words_hyphenated(note: str, rng: random.Random) -> str:
    words = DIGITS["en"].split()
    spoken = "-".join(words[10] if c == "+" else words[int(c)] for c in PHONE if c != " ")
    return note.replace(PHONE, spoken, 1)


def _dingbat_digits(note: str, rng: random.Random) -> str:
    digits = "⓿➊➋➌➍➎➏➐➑➒"
    return note.replace(PHONE, "".join(digits[int(c)] if c.isdigit() else c for c in PHONE), 1)


def _ideographic_stop(note: str, rng: random.Random) -> str:
    return note.replace(EMAIL, EMAIL.replace(".com", "\u3002com"), 1).replace(
        "bit.ly", "bit\u2024ly"
    )


# Found after the first round was fixed (a second round, measured before fixing).
HELD_OUT_2: dict[str, Trick] = {
    "HTML character references": _replace_messenger(_entities),
    "percent-encoded letters": _replace_messenger(_percent),
    "hyphen and line break inside": _replace_messenger(lambda n: n[:5] + "-\n" + n[5:]),
    "markdown emphasis": _replace_messenger(lambda n: f"*{n}*"),
    "multi-character leet \\/\\/": _replace_messenger(lambda n: "\\/\\/" + n[1:]),
    "dingbat digits": _dingbat_digits,
    "number words joined by hyphens": _phone_words_hyphenated,
    "ideographic full stop, dot leader": _ideographic_stop,
    "no-break space inside the name": _replace_messenger(lambda n: n[:5] + "\u00a0" + n[5:]),
    "Cyrillic capitals in upper case": _replace_messenger(
        lambda n: n.upper().replace("A", "\u0410").replace("E", "\u0415")
    ),
}
# Not caught (measured): upside-down text ("ddⱯsʇɐɥM": turned letters written backwards).
UNCAUGHT = {"upside-down text": _replace_messenger(lambda n: "ddⱯsʇɐɥM" if n == "WhatsApp" else n)}

HELD_OUT: dict[str, Trick] = {
    "reversed in a right-to-left override": _reversed_bidi,
    "keycap emoji digits 7️⃣": _keycap,
    "superscript digits": _superscript,
    "digits of other scripts": _other_digits,
    "spelled-out 'double seven'": _double,
    "stacked combining marks (zalgo)": on_word(_zalgo),
    "letters split by emoji or symbols": on_word(_emoji_separated),
    "regional indicator letters": on_word(_regional),
    "negative squared letters 🅦": on_word(_negative_squared),
    "small capitals ᴡʜᴀᴛꜱᴀᴘᴘ": on_word(_small_caps),
    "accented letters Whàtsàpp": on_word(_accents),
    "address with spaced @ and dots": _spaced_address,
    "apostrophe inside the name": _apostrophe,
    "fraction slash in the phone": _fraction_slash,
    "other messengers (Discord, Wickr, Viber, ...)": _other_messenger,
}
