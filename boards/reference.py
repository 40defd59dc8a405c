"""Reference data about England's 153 upper-tier local authorities (LAs).

Areas, their codes and names (with every former or alternative spelling that resolves to them),
regions, hex-map positions, child populations, DfE statistical neighbours, safeguarding
partnerships and Ofsted ILACS judgements, read from ``data/`` (see data/reference/PROVENANCE.md).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
REFERENCE_DIR = DATA_DIR / "reference"
PARTNERSHIPS_FILE = "partnerships.csv"
POPULATION_FILE = "dfe/ons_mid-year_population_estimates_2012_to_2024.csv"  # under REFERENCE_DIR

ALIAS_KINDS = ("new_code", "old_code", "recoded_code", "former_code", "name", "former_name")
LA_TYPES = ("County", "London Borough", "Metropolitan District", "Unitary Authority")
CLOSENESS = ("Extremely close", "Very close", "Close", "Somewhat close", "Not close")
GRADES = {
    "outstanding": 1,
    "good": 2,
    "requires improvement": 3,
    "requires improvement to be good": 3,
    "inadequate": 4,
}
GRADE_LABELS = {1: "Outstanding", 2: "Good", 3: "Requires improvement to be good", 4: "Inadequate"}
INSPECTION_TYPES = {
    "ilacs standard inspection": "ILACS standard inspection",
    "standard": "ILACS standard inspection",
    "ilacs short inspection": "ILACS short inspection",
    "short": "ILACS short inspection",
}
HISTORY_SOURCE = "ofsted_history_2025"
SCRAPE_SOURCE = "ilacs_scrape_2026"
DATE_COLUMNS = ["start_date", "end_date", "publication_date"]
INSPECTION_COLUMNS = [
    "area_code", "inspection_type", *DATE_COLUMNS, "overall_grade", "overall_label", "source"
]
# Ofsted's sub-judgements, kept with each inspection (not in the database's inspections table): an
# inspection without an overall grade (none from 2026) is judged on these, not missing.
JUDGEMENT_COLUMNS = ["leadership_grade", "help_protection_grade", "in_care_grade", "care_leavers_grade"]
NOT_JUDGED = ("inspection_pre_dates_judgement",)  # care leavers had no judgement of their own yet
HISTORY_COLUMNS = {
    "Local authority area code": "area_code",
    "The impact of leaders on social work practice with children and families": "leadership_grade",
    "The experiences and progress of children who need help and protection": "help_protection_grade",
    "The experiences and progress of children in care": "in_care_grade",
    "The experiences and progress of care leavers": "care_leavers_grade",
    "Inspection type": "inspection_type",
    "Inspection date": "start_date",
    "Publication date": "publication_date",
    "Overall effectiveness": "overall_grade",
}
SCRAPE_COLUMNS = {
    "la_code": "area_code",
    "impact_of_leaders_grade": "leadership_grade",
    "help_and_protection_grade": "help_protection_grade",
    "in_care_grade": "in_care_grade",
    "care_leavers_grade": "care_leavers_grade",
    "inspection_framework": "inspection_type",
    "inspection_start_date": "start_date",
    "inspection_end_date": "end_date",
    "publication_date": "publication_date",
    "overall_effectiveness_grade": "overall_grade",
}
HISTORY_DATE_FORMATS = {"start_date": "%Y-%m-%d", "publication_date": "%Y-%m-%d"}
SCRAPE_DATE_FORMATS = {"start_date": "%d/%m/%Y", "end_date": "%d/%m/%Y", "publication_date": "%d/%m/%y"}

# Reorganisations that neither a shared 3-digit code nor a shared name reveals.
REORGANISED = {
    "E10000001": ("E06000055", "E06000056"),  # Bedfordshire (2009): Bedford, Central Bedfordshire
    "E10000004": ("E06000049", "E06000050"),  # Cheshire (2009): Cheshire East, Cheshire West and Chester
    "E10000005": ("E06000052", "E06000053"),  # Cornwall and Isles of Scilly (2009)
    "E06000028": ("E06000058",),  # Bournemouth (2019): Bournemouth, Christchurch and Poole
    "E06000029": ("E06000058",),  # Poole (2019)
    "E10000021": ("E06000061", "E06000062"),  # Northamptonshire (2021): North, West
    "E10000006": ("E06000063", "E06000064"),  # Cumbria (2023): Cumberland, Westmorland and Furness
}

_CODE = re.compile(r"[A-Za-z]\d{8}")
_DASHES = re.compile(r"[-\u2010-\u2015]")
_PUNCTUATION = re.compile(r"[^\w\s]")
_TITLE_SUFFIX = re.compile(r"^(?P<base>.+), (?P<title>(?:city|county) of)$", re.IGNORECASE)
_TITLE_PREFIX = re.compile(r"^(?:city|county) of (?P<base>.+)$", re.IGNORECASE)


class ReferenceDataError(ValueError):
    """A reference file is missing, malformed or inconsistent with the others."""


@dataclass(frozen=True)
class Reference:
    """Every reference table, keyed by current ONS area codes."""

    regions: pd.DataFrame  # region_code, region_name
    areas: pd.DataFrame  # area_code, old_code, name, region_code, la_type, hex_q, hex_r
    aliases: pd.DataFrame  # alias_key, alias, area_code, kind
    population: pd.DataFrame  # area_code, year, population_0_17
    neighbours: pd.DataFrame  # area_code, rank, neighbour_code, closeness
    partnerships: pd.DataFrame  # partnership_id, name, area_code
    inspections: pd.DataFrame  # see INSPECTION_COLUMNS, then JUDGEMENT_COLUMNS


def normalise_area_key(text: str) -> str:
    """The lookup key of an LA code or name: codes upper-case, names lower-case without punctuation."""
    text = str(text).strip()
    if _CODE.fullmatch(text):
        return text.upper()
    text = _DASHES.sub(" ", text.lower().replace("&", " and "))
    return " ".join(_PUNCTUATION.sub("", text).split())


def resolve_area(ref_or_aliases: Reference | pd.DataFrame, text: str) -> list[str]:
    """Current area codes a code or name covers ([] if unknown); a joint "a / b" needs both parts known."""
    aliases = ref_or_aliases.aliases if isinstance(ref_or_aliases, Reference) else ref_or_aliases
    parts = str(text).split("/")
    if len(parts) > 1:
        found = [resolve_area(aliases, part) for part in parts]
        return sorted({code for codes in found for code in codes}) if all(found) else []
    matches = aliases.loc[aliases["alias_key"] == normalise_area_key(text), "area_code"]
    return sorted(matches.unique())


def load_reference(data_dir: Path = DATA_DIR) -> Reference:
    """Read, check and link every reference file under ``data_dir``."""
    ref_dir = data_dir / "reference"
    las = _read_csv(ref_dir / "geography" / "las.csv")
    hierarchy = _read_csv(ref_dir / "geography" / "region_la_hierarchy.csv")
    d2i = _read_csv(ref_dir / "geography" / "d2i_provider_data_lookup.csv")
    utla = _read_csv(ref_dir / "geography" / "LTLA-UTLA_Apr23_Lookup_England-Wales.csv")
    hexes = _read_hexjson(ref_dir / "geography" / "england_153_la_hexmap.hexjson")
    sn_model = _read_csv(ref_dir / "dfe" / "sn_model_2025_wide.csv")
    population = _read_csv(ref_dir / POPULATION_FILE)
    history = _read_csv(ref_dir / "ofsted" / "LA_Inspection_Outcomes_31Mar2025__ILACS_inspection_history.csv")
    scrape = _read_csv(ref_dir / "ofsted" / "ilacs_latest_by_la_2026.csv")

    regions = _regions(_read_csv(ref_dir / "geography" / "regions.csv"))
    base = _base_areas(las, sn_model)
    population_la = population[population["geographic_level"] == "Local authority"]
    latest = population_la[population_la["time_period"] == population_la["time_period"].max()]
    codes_in_use = set(latest["new_la_code"]) | set(hexes["code"])
    aliases = _aliases(base, las, hierarchy, d2i, utla, hexes, sn_model, history, scrape, codes_in_use)
    index = aliases.groupby("alias_key")["area_code"].agg(tuple).to_dict()

    # Aliases are built from the ONS names above; every name shown from here on is the natural one.
    base = base.assign(name=base["name"].map(natural_name))
    areas = _areas(base, hierarchy, d2i, hexes, regions, index)
    return Reference(
        regions=regions,
        areas=areas,
        aliases=aliases,
        population=_population(population_la, index),
        neighbours=_neighbours(sn_model, index),
        partnerships=_partnerships(data_dir / PARTNERSHIPS_FILE, areas, aliases),
        inspections=_inspections(history, scrape, index),
    )


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise ReferenceDataError(f"missing reference file {path}")
    frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    return frame.apply(lambda column: column.str.strip())


def _read_hexjson(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise ReferenceDataError(f"missing reference file {path}")
    hexes = json.loads(path.read_text(encoding="utf-8"))["hexes"]
    return pd.DataFrame(
        [(code, cell["n"], int(cell["q"]), int(cell["r"])) for code, cell in hexes.items()],
        columns=["code", "name", "hex_q", "hex_r"],
    )


def _one(index: dict[str, tuple[str, ...]], text: str, where: str) -> str:
    """The single current area that ``text`` names, or an error saying where it came from."""
    codes = index.get(normalise_area_key(text), ())
    if len(codes) != 1:
        raise ReferenceDataError(f"{where}: {text!r} resolves to {list(codes) or 'no area'}, not one area")
    return codes[0]


def _regions(raw: pd.DataFrame) -> pd.DataFrame:
    regions = raw[raw["region_code"].str.match(r"E12\d{6}$")][["region_code", "region_name"]]
    if len(regions) != 9:
        raise ReferenceDataError(f"regions.csv: expected the 9 English regions, found {len(regions)}")
    return regions.sort_values("region_code").reset_index(drop=True)


def _base_areas(las: pd.DataFrame, sn_model: pd.DataFrame) -> pd.DataFrame:
    """area_code, old_code, name: the LAs of the DfE 2025 neighbour model under their live ONS codes."""
    live = las[(las["status"] == "live") & las["new_la_code"].str.fullmatch(_CODE.pattern)]
    base = sn_model[["old_la_code"]].merge(live, on="old_la_code", how="left")
    unmatched = base.loc[base["new_la_code"].isna(), "old_la_code"].tolist()
    if unmatched or len(base) != 153 or base["old_la_code"].duplicated().any():
        raise ReferenceDataError(f"sn_model_2025_wide.csv and las.csv do not give 153 live LAs: {unmatched}")
    base = base.rename(columns={"new_la_code": "area_code", "old_la_code": "old_code", "la_name": "name"})
    return base[["area_code", "old_code", "name"]].sort_values("area_code").reset_index(drop=True)


def natural_name(name: str) -> str:
    """An ONS name as people write it: the title that ONS puts last goes first ("Bristol, City of" is
    "City of Bristol", "Herefordshire, County of" "County of Herefordshire"); other names are unchanged.
    The one rule for every name the app shows; the ONS forms stay aliases, so uploads naming them still match."""
    match = _TITLE_SUFFIX.match(name)
    return f"{match['title'][:1].upper()}{match['title'][1:]} {match['base']}" if match else name


def _name_variants(name: str) -> list[str]:
    """A name plus its "X, City of" / "City of X" / "X" forms; City of London keeps its title."""
    variants = [name]
    if match := _TITLE_SUFFIX.match(name):
        variants += [match["base"], f"{match['title']} {match['base']}"]
    elif match := _TITLE_PREFIX.match(name):
        variants.append(match["base"])
    return [v for v in variants if normalise_area_key(v) != "london"]


def _list_items(text: str, known: set[str]) -> list[str]:
    """Items of a d2i "[a, b]" list; pieces that join into a known name (it has a comma) stay joined."""
    items: list[str] = []
    for piece in text.strip("[]").split(", "):
        if items and normalise_area_key(f"{items[-1]}, {piece}") in known:
            items[-1] = f"{items[-1]}, {piece}"
        else:
            items.append(piece)
    return items


def _aliases(
    base: pd.DataFrame,
    las: pd.DataFrame,
    hierarchy: pd.DataFrame,
    d2i: pd.DataFrame,
    utla: pd.DataFrame,
    hexes: pd.DataFrame,
    sn_model: pd.DataFrame,
    history: pd.DataFrame,
    scrape: pd.DataFrame,
    codes_in_use: set[str],
) -> pd.DataFrame:
    rows: list[tuple[str, str, str]] = []  # alias, area_code, kind
    rows += [(code, code, "new_code") for code in base["area_code"]]
    rows += [(old, code, "old_code") for old, code in zip(base["old_code"], base["area_code"])]
    by_old = dict(zip(base["old_code"], base["area_code"]))
    current_codes = set(base["area_code"])

    terminated = las[(las["status"] == "terminated") & ~las["new_la_code"].isin(current_codes)]
    # The same 3-digit code means DfE treats it as the same LA under a new ONS code.
    same_la = terminated[terminated["old_la_code"].isin(by_old)]
    for code, old in zip(same_la["new_la_code"], same_la["old_la_code"]):
        # Codes that current DfE files and the hex map still use are a recoding, not a former LA.
        rows.append((code, by_old[old], "recoded_code" if code in codes_in_use else "former_code"))
    code_index = {alias: area for alias, area, _ in rows}

    names: list[tuple[str, str]] = []  # name, any code that code_index resolves
    names += zip(base["name"], base["area_code"])
    names += zip(hierarchy["la_name"], hierarchy["new_la_code"])
    names += zip(sn_model["la_name"], sn_model["old_la_code"])
    names += zip(d2i["local_authority_ons_name"], d2i["la_code"])
    names += zip(utla["UTLA23NM"], utla["UTLA23CD"])
    names += zip(hexes["name"], hexes["code"])
    names += zip(scrape["local_authority"], scrape["la_code"])
    current = history[history["Local authority status"] == "Current"]
    names += zip(current["Local authority name"], current["Local authority area code"])
    known = {normalise_area_key(name) for name, _ in names}
    for known_as, old in zip(d2i["also_known_as"], d2i["la_code"]):
        if isinstance(known_as, str):
            names += [(item, old) for item in _list_items(known_as, known)]
    for name, code in names:
        if code in code_index:
            rows += [(variant, code_index[code], "name") for variant in _name_variants(name)]

    name_index: dict[str, set[str]] = {}
    for alias, area, kind in rows:
        if kind == "name":
            name_index.setdefault(normalise_area_key(alias), set()).add(area)
    clashes = {key: sorted(areas) for key, areas in name_index.items() if len(areas) > 1}
    if clashes:
        raise ReferenceDataError(f"LA names shared by different areas: {clashes}")

    former = terminated[~terminated["old_la_code"].isin(by_old)]
    for code, old, name in zip(former["new_la_code"], former["old_la_code"], former["la_name"]):
        successors = REORGANISED.get(code) or tuple(sorted(name_index.get(normalise_area_key(name), ())))
        if not successors:
            raise ReferenceDataError(f"las.csv: no current area succeeds terminated LA {code} {name}")
        for area in successors:
            rows.append((code, area, "former_code"))
            rows.append((name, area, "former_name"))
            if old not in by_old and old != "x":
                rows.append((old, area, "former_code"))

    aliases = pd.DataFrame(rows, columns=["alias", "area_code", "kind"])
    aliases["alias_key"] = aliases["alias"].map(normalise_area_key)
    aliases["rank"] = aliases["kind"].map(ALIAS_KINDS.index)
    # One row per (key, area): the strongest kind wins, e.g. Dorset stays a name, not a former name.
    aliases = aliases.sort_values(["rank", "alias_key", "area_code"], kind="stable")
    aliases = aliases.drop_duplicates(["alias_key", "area_code"])
    return aliases[["alias_key", "alias", "area_code", "kind"]].reset_index(drop=True)


def _areas(
    base: pd.DataFrame,
    hierarchy: pd.DataFrame,
    d2i: pd.DataFrame,
    hexes: pd.DataFrame,
    regions: pd.DataFrame,
    index: dict[str, tuple[str, ...]],
) -> pd.DataFrame:
    region = hierarchy.drop_duplicates("new_la_code").set_index("new_la_code")["region_code"]
    la_type = d2i.drop_duplicates("la_code").set_index("la_code")["ons_la_type"]
    hex_cells = hexes.assign(area_code=[_one(index, code, "hexjson") for code in hexes["code"]])
    if hex_cells["area_code"].duplicated().any() or hex_cells.duplicated(["hex_q", "hex_r"]).any():
        raise ReferenceDataError("hexjson: an area has two hexes or two areas share one")
    areas = base.assign(
        region_code=base["area_code"].map(region),
        la_type=base["old_code"].map(la_type),
    ).merge(hex_cells[["area_code", "hex_q", "hex_r"]], on="area_code", how="left")
    # d2i still calls the 2023 unitaries (Cumberland, Westmorland and Furness, North Yorkshire)
    # counties; an E06 code is a unitary authority by definition.
    areas.loc[areas["area_code"].str.startswith("E06"), "la_type"] = "Unitary Authority"

    odd = areas.loc[~areas["la_type"].isin(LA_TYPES), ["area_code", "la_type"]]
    if not odd.empty:
        raise ReferenceDataError(f"d2i_provider_data_lookup.csv: unknown la_type {odd.to_dict('records')}")
    for column in ("region_code", "hex_q"):
        missing = areas.loc[areas[column].isna(), "area_code"].tolist()
        if missing:
            raise ReferenceDataError(f"areas without {column}: {missing}")
    stray = set(areas["region_code"]) - set(regions["region_code"])
    if stray:
        raise ReferenceDataError(f"areas in unknown regions: {sorted(stray)}")
    return areas.astype({"hex_q": "int64", "hex_r": "int64"})


def _population(rows: pd.DataFrame, index: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    successors = rows["new_la_code"].map(lambda code: index.get(normalise_area_key(code), ()))
    unknown = rows.loc[successors.map(len) == 0, "new_la_code"].unique().tolist()
    if unknown:
        raise ReferenceDataError(f"population file: unknown LA codes {unknown}")
    frame = pd.DataFrame(
        {
            "area_code": successors.map(lambda codes: codes[0] if len(codes) == 1 else None),
            "year": rows["time_period"].astype(int),
            # Symbols such as x (not available) become NaN and are dropped below.
            "population_0_17": pd.to_numeric(rows["population_estimate"], errors="coerce"),
        }
    ).dropna(subset=["area_code"])
    # A former LA split between successors (Cumbria) fits none of them, and pieces of a merger
    # (Bournemouth and Poole, before BCP existed) are not summed: only a row that is the sole
    # source of its area in that year, symbol rows included, gives that area's population.
    sole = ~frame.duplicated(["area_code", "year"], keep=False)
    frame = frame[sole & frame["population_0_17"].notna()]
    frame = frame.astype({"population_0_17": "int64"})
    return frame.sort_values(["area_code", "year"]).reset_index(drop=True)


def _neighbours(sn_model: pd.DataFrame, index: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    where = "sn_model_2025_wide.csv"
    wide = [
        sn_model[["old_la_code", f"SN_{rank}", f"SN_{rank}P"]]
        .set_axis(["area_code", "neighbour_code", "closeness"], axis=1)
        .assign(rank=rank)
        for rank in range(1, 11)
    ]
    neighbours = pd.concat(wide, ignore_index=True)
    codes = set(neighbours["area_code"]) | set(neighbours["neighbour_code"])
    current = {code: _one(index, code, where) for code in codes}
    neighbours["area_code"] = neighbours["area_code"].map(current)
    neighbours["neighbour_code"] = neighbours["neighbour_code"].map(current)
    # The file pads some labels with a trailing space ("Close ").
    labels = {label.lower(): label for label in CLOSENESS}
    neighbours["closeness"] = [_lookup(labels, label, "closeness", where) for label in neighbours["closeness"]]
    if neighbours["closeness"].isna().any():
        raise ReferenceDataError(f"{where}: a neighbour has no closeness label")
    if (neighbours["area_code"] == neighbours["neighbour_code"]).any():
        raise ReferenceDataError(f"{where}: an area is listed as its own neighbour")
    neighbours = neighbours[["area_code", "rank", "neighbour_code", "closeness"]]
    return neighbours.sort_values(["area_code", "rank"]).reset_index(drop=True)


def _partnerships(path: Path, areas: pd.DataFrame, aliases: pd.DataFrame) -> pd.DataFrame:
    """One row per member LA; every current area in exactly one partnership."""
    raw = _read_csv(path)
    expected = ["partnership_id", "partnership_name", "area_code"]
    if list(raw.columns) != expected:
        raise ReferenceDataError(f"{path.name}: columns must be {expected}, not {list(raw.columns)}")
    frame = raw.rename(columns={"partnership_name": "name"}).fillna("")
    frame["name"] = frame["name"].map(natural_name)
    names = dict(zip(areas["area_code"], areas["name"]))

    def label(code: str) -> str:
        return f"{code} ({names[code]})" if code in names else repr(code)

    blank = frame[(frame == "").any(axis=1)]
    if not blank.empty:
        row = blank.iloc[0]
        raise ReferenceDataError(
            f"{path.name}: blank partnership_id, partnership_name or area_code in the row for "
            f"{label(row['area_code'])} (partnership {row['partnership_id']!r})"
        )
    unknown = frame[~frame["area_code"].isin(names)]
    if not unknown.empty:
        row = unknown.iloc[0]
        hint = resolve_area(aliases, row["area_code"])
        suggestion = f" (did you mean {', '.join(hint)}?)" if hint else ""
        raise ReferenceDataError(
            f"{path.name}: partnership {row['partnership_id']} lists unknown area code "
            f"{row['area_code']!r}{suggestion}"
        )
    repeated = frame[frame["area_code"].duplicated(keep=False)]
    if not repeated.empty:
        code = repeated["area_code"].iloc[0]
        ids = ", ".join(repeated.loc[repeated["area_code"] == code, "partnership_id"])
        raise ReferenceDataError(f"{path.name}: area {label(code)} is in more than one partnership: {ids}")
    missing = [label(code) for code in areas["area_code"] if code not in set(frame["area_code"])]
    if missing:
        raise ReferenceDataError(f"{path.name}: area(s) in no partnership: {', '.join(missing)}")
    named = frame.groupby("partnership_id")["name"].nunique()
    if (named > 1).any():
        partnership = named[named > 1].index[0]
        raise ReferenceDataError(f"{path.name}: partnership {partnership} has more than one name")
    frame = frame[["partnership_id", "name", "area_code"]].sort_values(["partnership_id", "area_code"])
    return frame.reset_index(drop=True)


def _lookup(mapping: dict, value: object, what: str, where: str) -> object:
    """``mapping`` of a label, matched case- and spacing-blind; None for a blank cell."""
    if not isinstance(value, str):
        return None
    key = " ".join(value.lower().split())
    if key not in mapping:
        raise ReferenceDataError(f"{where}: unknown {what} {value!r}")
    return mapping[key]


def _inspection_frame(
    raw: pd.DataFrame,
    columns: dict[str, str],
    date_formats: dict[str, str],
    source: str,
    index: dict[str, tuple[str, ...]],
) -> pd.DataFrame:
    """One Ofsted file in the inspections layout; ``columns`` maps its headers to ours."""
    frame = raw.rename(columns=columns).reindex(columns=INSPECTION_COLUMNS[:-2] + JUDGEMENT_COLUMNS)
    frame["area_code"] = [_one(index, code, source) for code in frame["area_code"]]
    types = [_lookup(INSPECTION_TYPES, t, "inspection type", source) for t in frame["inspection_type"]]
    grades = [_lookup(GRADES, g, "grade", source) for g in frame["overall_grade"]]
    frame["inspection_type"] = pd.array(types, dtype="str")
    frame["overall_grade"] = pd.array(grades, dtype="Int64")
    for column in JUDGEMENT_COLUMNS:
        frame[column] = pd.array(
            [None if pd.isna(g) or g in NOT_JUDGED else _lookup(GRADES, g, "grade", source) for g in frame[column]],
            dtype="Int64",
        )
    for column in DATE_COLUMNS:
        dates = pd.to_datetime(frame[column], format=date_formats.get(column))
        frame[column] = dates.astype("datetime64[us]")
    return frame.assign(source=source).reset_index(drop=True)


def _inspections(
    history: pd.DataFrame, scrape: pd.DataFrame, index: dict[str, tuple[str, ...]]
) -> pd.DataFrame:
    # Judgements of abolished councils (Bournemouth, Cumbria, Northamptonshire) describe services
    # that no current area ran on its own, so they are not carried over to the successors.
    current = history[history["Local authority status"] == "Current"]
    # Ofsted's "Inspection date" is the first day on site; that file has no end date.
    past = _inspection_frame(current, HISTORY_COLUMNS, HISTORY_DATE_FORMATS, HISTORY_SOURCE, index)
    latest = _inspection_frame(scrape, SCRAPE_COLUMNS, SCRAPE_DATE_FORMATS, SCRAPE_SOURCE, index)

    # The same inspection in both files: same area and first day, or (where the scrape lost its
    # dates) same publication day. The scrape row wins and borrows what it lacks from history.
    links = pd.concat(
        [
            latest.reset_index(names="latest_row").dropna(subset=[key])
            .merge(past.reset_index(names="past_row"), on=["area_code", key])[["latest_row", "past_row"]]
            for key in ("start_date", "publication_date")
        ]
    ).drop_duplicates()
    if links["latest_row"].duplicated().any() or links["past_row"].duplicated().any():
        raise ReferenceDataError(f"{SCRAPE_SOURCE} and {HISTORY_SOURCE} match ambiguously")
    borrowed = past.loc[links["past_row"]].set_axis(links["latest_row"].to_numpy())
    disagree = latest.loc[borrowed.index, "overall_grade"] != borrowed["overall_grade"]
    if disagree.fillna(False).any():
        clashes = borrowed.loc[disagree.fillna(False), "area_code"].tolist()
        raise ReferenceDataError(f"the two Ofsted files grade one inspection differently: {clashes}")
    merged = latest.combine_first(borrowed.drop(columns="source"))

    inspections = pd.concat([merged, past.drop(index=links["past_row"])], ignore_index=True)
    labels = inspections["overall_grade"].map(GRADE_LABELS, na_action="ignore")
    inspections["overall_label"] = labels.astype("str")
    finished = inspections["end_date"].fillna(inspections["start_date"])
    order = inspections.assign(finished=finished).sort_values(
        ["area_code", "finished", "publication_date"], na_position="last"
    ).index
    return inspections.loc[order, INSPECTION_COLUMNS + JUDGEMENT_COLUMNS].reset_index(drop=True)
