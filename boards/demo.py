"""The embedded demo database: real published figures for every LA plus invented local returns.

Published: DfE workforce, referrals, section 47 enquiries and ICPCs (their timeliness and
conversion), child protection plans, children in need, assessments within 45 working days and
plans ending after 2 years (LAIT), and population; Ofsted ILACS grades and how long since each LA
was inspected, as in force at each quarter end. Invented (source ``demo``), only for what no one
publishes: eight quarters of the local quarterly return (partner attendance, audits, supervision,
the multi-agency child protection team measures) and a case review register of every area
(reviews since 2017, their themes and recommendations), from which the case review indicators are
derived as from any upload; all drawn from a fixed seed, so every build is identical.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from boards.access import Actor
from boards.accounts import utc_now
from boards.catalogue import Indicator, catalogue_frame, load_catalogue
from boards.exports import to_csv_bytes
from boards.imports.pipeline import commit_plan, content_hash, inspect_upload
from boards.imports.reading import read_table
from boards.imports.register import RECOMMENDATIONS, REVIEWS
from boards.imports.register_upload import inspect_register
from boards.periods import Period, quarter, quarters_between, whole_months_between
from boards.reference import JUDGEMENT_COLUMNS, REFERENCE_DIR, Reference, load_reference
from boards.reviews.derive import REGISTER_INDICATORS
from boards.reviews.register import AGENCIES
from boards.reviews.themes import load_themes
from boards.reviews.workdays import add_working_days
from boards.store import AuditEntry, Store

DEMO_SEED = 20250401
DEMO_QUARTERS = quarters_between(quarter(2024, 3), quarter(2026, 2))
DEMO_LOADED_BY = "demo build"
DEMO_ACTOR = Actor(DEMO_LOADED_BY, "Demo database build", "analyst")
DEMO_REGISTER_AS_AT = DEMO_QUARTERS[-1].end  # the invented register is as it stood at the last quarter's end
PUBLISHED_FILES = (
    "dfe/csww_indicators_2017_to_2025.csv",
    "dfe/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
    "dfe/d3_cpps_subsequent_plan_2013_to_2025.csv",
    "dfe/b1_children_in_need_2013_to_2025.csv",
    "dfe/c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv",
    "dfe/lait_bds_long_selected_measures_2016_to_2025.csv",
)
# Indicators DfE now publishes by LA: still drawn, so that the other invented figures stay as they were, but
# never written (the published files above give them).
PUBLISHED_NOT_INVENTED = ("assessment_timeliness", "icpc_timeliness", "cp_plans_2_years", "s47_rate")
OFSTED_FILES = (
    "ofsted/LA_Inspection_Outcomes_31Mar2025__ILACS_inspection_history.csv",
    "ofsted/ilacs_latest_by_la_2026.csv",
)

Progress = Callable[[float, str], None]


def _file_hash(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def prepare_reference(store: Store, ref: Reference, indicators: Mapping[str, Indicator]) -> None:
    """Load the areas, neighbours, partnerships and the indicator catalogue into the store."""
    store.replace_reference(ref)
    store.sync_catalogue(catalogue_frame(indicators))


def build_demo(store: Store, *, seed: int = DEMO_SEED, progress: Progress | None = None) -> None:
    """Fill an empty store with the demo data (published figures and invented local returns)."""
    report = progress or (lambda fraction, message: None)
    report(0.0, "Loading reference data")
    ref = load_reference()
    indicators = load_catalogue()
    prepare_reference(store, ref, indicators)

    load_published_files(store, report)

    report(0.75, "Deriving Ofsted inspection indicators")
    store.ensure_periods(DEMO_QUARTERS)
    ofsted_paths = [REFERENCE_DIR / name for name in OFSTED_FILES]
    ofsted_name = " + ".join(p.name for p in ofsted_paths)
    store.commit_load(
        inspection_observations(ref, DEMO_QUARTERS),
        source="published",
        loaded_by=DEMO_LOADED_BY,
        file_name=ofsted_name,
        file_hash=_file_hash(*ofsted_paths),
        note="ILACS grade in force and months since the last graded inspection at each quarter end",
        audit=_imported(ofsted_name),
    )

    report(0.85, "Inventing eight quarters of local returns")
    returns_name = f"synthetic local returns (seed {seed})"
    store.commit_load(
        synthetic_returns(ref, indicators, DEMO_QUARTERS, seed),
        source="demo",
        loaded_by=DEMO_LOADED_BY,
        file_name=returns_name,
        note="Invented for the demonstration: not real data about any area",
        audit=_imported(returns_name),
    )

    report(0.92, "Inventing a case review register")
    # The register goes through the same validation and derivation as an upload of it.
    reviews, recommendations = synthetic_register(ref, DEMO_QUARTERS, seed)
    files = {REVIEWS: to_csv_bytes(reviews), RECOMMENDATIONS: to_csv_bytes(recommendations)}
    name = f"synthetic case review register (seed {seed})"
    plan = inspect_register(
        store, name, content_hash(files[REVIEWS] + files[RECOMMENDATIONS]),
        {part: (read_table(f"{name}: {part}", data), None) for part, data in files.items()},
        actor=DEMO_ACTOR, today=DEMO_REGISTER_AS_AT, source="demo", quarters=DEMO_QUARTERS,
    )
    commit_plan(store, plan)
    report(1.0, "Demo database ready")


def load_published_files(store: Store, progress: Progress | None = None) -> None:
    """Import the published DfE files of ``PUBLISHED_FILES``, through the same import as any upload of them."""
    report = progress or (lambda fraction, message: None)
    for step, name in enumerate(PUBLISHED_FILES, start=1):
        report(step / (len(PUBLISHED_FILES) + 3), f"Loading {Path(name).name}")
        path = REFERENCE_DIR / name
        commit_plan(store, inspect_upload(store, path.name, path.read_bytes(), actor=DEMO_ACTOR))


def _imported(file_name: str) -> AuditEntry:
    """The audit row of a load the demo build writes without an upload (every load has one)."""
    return AuditEntry(utc_now(), DEMO_LOADED_BY, "data_imported", None, file_name)


def inspection_observations(ref: Reference, periods: list[Period]) -> pd.DataFrame:
    """ILACS grade in force and whole months since the last graded inspection, per area and period.

    An inspection without an overall grade (Ofsted ended it in 2026) is not missing: it is judged on its
    sub-judgements (``inspection_grade``)."""
    graded = ref.inspections.assign(grade=inspection_grade(ref.inspections)).dropna(subset=["grade"])
    graded["finished"] = graded["end_date"].fillna(graded["start_date"])
    # A judgement is in force from publication; before that the previous one stands.
    graded["in_force"] = graded["publication_date"].fillna(graded["finished"])
    rows = []
    for area in ref.areas["area_code"]:
        history = graded[graded["area_code"] == area].sort_values("in_force")
        for period in periods:
            known = history[history["in_force"].dt.date <= period.end]
            if known.empty:
                note = "No graded ILACS inspection published by the period end"
                rows.append((area, "ilacs_grade", period.period_id, np.nan, "x", note))
                rows.append((area, "months_since_inspection", period.period_id, np.nan, "x", note))
                continue
            latest = known.iloc[-1]
            note = f"{latest['inspection_type']} ending {latest['finished']:%d %b %Y}" + (
                "" if pd.notna(latest["overall_grade"]) else
                ": no overall grade (Ofsted ended it in 2026), the mean of its sub-judgements, rounded"
            )
            months = whole_months_between(latest["finished"].date(), period.end)
            rows.append((area, "ilacs_grade", period.period_id, float(latest["grade"]), "reported", note))
            rows.append((area, "months_since_inspection", period.period_id, float(months), "reported", note))
    frame = pd.DataFrame(rows, columns=["area_code", "indicator_id", "period_id", "value", "status", "note"])
    frame["numerator"] = np.nan
    frame["denominator"] = np.nan
    return frame


def inspection_grade(inspections: pd.DataFrame) -> pd.Series:
    """Each inspection's grade on Ofsted's 1-4 scale: the overall effectiveness judgement, else (no overall
    grade, as from 2026) the mean of its sub-judgements rounded half up; missing only when it has neither."""
    mean = inspections[JUDGEMENT_COLUMNS].astype(float).mean(axis=1)
    return inspections["overall_grade"].astype(float).fillna(np.floor(mean + 0.5))


# -- invented local returns ------------------------------------------------------------------
# Expected proportion in England, and what each return counts, per indicator. Denominators
# scale with the area's child population (England: 12.18 million aged 0-17), using national
# volumes of the real activities so that small and large areas have realistic sizes.
_PROPORTIONS: dict[str, tuple[float, str]] = {
    "assessment_timeliness": (0.86, "assessments"),
    "icpc_timeliness": (0.81, "icpcs"),
    "cp_plans_2_years": (0.023, "cp_plans"),
    "notification_timeliness": (0.84, "notifications"),
    "rapid_review_timeliness": (0.74, "notifications"),
    "review_publication_timeliness": (0.45, "reviews_published"),
    "review_actions_overdue": (0.21, "open_actions"),
    "practitioners_audited": (0.62, "practitioners"),
    "supervision_timeliness": (0.81, "practitioners"),
    "attendance_local_authority": (0.95, "meetings"),
    "attendance_police": (0.84, "meetings"),
    "attendance_health": (0.88, "meetings"),
    "attendance_relevant_agencies": (0.68, "agency_meetings"),
    "cp_conference_attendance": (0.78, "conference_invitations"),
    "section11_returns": (0.86, "section11_requests"),
    "training_places_filled": (0.73, "training_places"),
}
# The Families First multi-agency child protection team measures (both higher is better), with no
# published figure to start from: the expected proportions are invented.
_MULTI_AGENCY_CP_TEAM: dict[str, tuple[float, str]] = {
    "strategy_discussion_partners": (0.72, "strategy_discussions"),
    "s47_lead_practitioner": (0.65, "s47s"),
}
_PER_CHILD_PER_QUARTER = {
    "strategy_discussions": 0.0060,  # invented: above the section 47 rate, as not every discussion leads to one
    "s47s": 230_590 / 4 / 12_183_016,
    "assessments": 0.0115,
    "icpcs": 0.0015,
    "cp_plans": 0.0041,
    "notifications": 405 / 4 / 12_183_016,
    "reviews_published": 180 / 4 / 12_183_016,
    "s47s_12_months": 0.0189,  # the indicator counts the 12 months to the quarter end
}
_WEAK_AREAS = 10  # areas whose partnership working is worse than the rest throughout
_DETERIORATING_AREAS = 6  # areas that get steadily worse over the eight quarters
_MISSED_RETURN_RATE = 0.03  # chance an area's whole return is missing in a quarter


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def _population(ref: Reference, areas: np.ndarray) -> np.ndarray:
    latest_year = ref.population["year"].max()
    return (
        ref.population[ref.population["year"] == latest_year]
        .set_index("area_code")["population_0_17"]
        .reindex(areas)
        .fillna(ref.population["population_0_17"].min())
        .to_numpy(dtype=float)
    )


def _area_concern(rng: np.random.Generator, n_areas: int, n_periods: int) -> tuple[np.ndarray, np.ndarray]:
    """(concern, trend over the periods) of each area: the first draws of the seed, shared by the invented
    returns and the invented register so that the same areas are weak in both. Positive concern means
    worse practice, whatever an indicator's polarity."""
    concern = rng.normal(0.0, 0.3, n_areas)
    weak = rng.choice(n_areas, _WEAK_AREAS, replace=False)
    concern[weak] += 0.9
    trend = np.zeros((n_areas, n_periods))
    others = np.setdiff1d(np.arange(n_areas), weak)
    deteriorating = rng.choice(others, _DETERIORATING_AREAS, replace=False)
    trend[deteriorating] = np.linspace(0.0, 1.2, n_periods)
    return concern, trend


def synthetic_returns(
    ref: Reference, indicators: Mapping[str, Indicator], periods: list[Period], seed: int
) -> pd.DataFrame:
    """Invented quarterly returns for every area with realistic sizes, spread and a few weak areas."""
    rng = np.random.default_rng(seed)
    areas = ref.areas.sort_values("area_code")["area_code"].to_numpy()
    population = _population(ref, areas)
    n_areas, n_periods = len(areas), len(periods)

    concern, trend = _area_concern(rng, n_areas, n_periods)
    missed = rng.random((n_areas, n_periods)) < _MISSED_RETURN_RATE
    missed[:, -1] |= rng.random(n_areas) < 0.06  # the latest quarter is still coming in

    def per_quarter(volume: str) -> np.ndarray:
        expected = population[:, None] * _PER_CHILD_PER_QUARTER[volume] * np.exp(rng.normal(0, 0.25, (n_areas, 1)))
        return rng.poisson(np.broadcast_to(expected, (n_areas, n_periods))).astype(float)

    def fixed(low: int, high: int) -> np.ndarray:
        return np.repeat(rng.integers(low, high, n_areas)[:, None], n_periods, axis=1).astype(float)

    notifications = per_quarter("notifications")
    practitioners = np.repeat(rng.poisson(population * 0.0017 + 2)[:, None], n_periods, axis=1).astype(float)
    meetings = fixed(3, 7)
    denominators = {
        "assessments": per_quarter("assessments"),
        "icpcs": per_quarter("icpcs"),
        "cp_plans": per_quarter("cp_plans"),
        "notifications": notifications,
        "reviews_published": per_quarter("reviews_published"),
        "open_actions": rng.poisson(np.repeat((8 + population / 15_000)[:, None], n_periods, axis=1)).astype(float),
        "practitioners": practitioners,
        "meetings": meetings,
        "agency_meetings": meetings * 5,
        "conference_invitations": per_quarter("icpcs") * 3,
        "section11_requests": fixed(15, 60),
        "training_places": rng.poisson(np.repeat((100 + population / 500)[:, None], n_periods, axis=1)).astype(float),
    }

    frames = []
    for indicator_id, (england, volume) in _PROPORTIONS.items():
        indicator = indicators[indicator_id]
        sign = 1.0 if indicator.polarity == "lower_better" else -1.0
        spread = rng.normal(0.0, 0.2, (n_areas, 1)) + rng.normal(0.0, 0.12, (n_areas, n_periods))
        logit = _logit(england) + sign * (concern[:, None] + trend + spread)
        probability = 1.0 / (1.0 + np.exp(-logit))
        denominator = denominators[volume]
        numerator = rng.binomial(denominator.astype(np.int64), probability).astype(float)
        if indicator_id in REGISTER_INDICATORS or indicator_id in PUBLISHED_NOT_INVENTED:
            continue  # derived from the invented register, or published; drawn all the same, so the others stay put
        frames.append(_frame(areas, periods, indicator_id, numerator, denominator, indicator.multiplier, missed))

    per_quarter("s47s_12_months")  # drawn, not written: DfE publishes the section 47 rate
    audits = rng.poisson((2 + population / 25_000)[:, None] * np.exp(-(concern[:, None] + trend)))
    frames.append(_counts(areas, periods, "multi_agency_audits", audits.astype(float), missed))
    # Drawn last, so that adding them left every figure above as it was.
    for indicator_id, (england, volume) in _MULTI_AGENCY_CP_TEAM.items():
        spread = rng.normal(0.0, 0.2, (n_areas, 1)) + rng.normal(0.0, 0.12, (n_areas, n_periods))
        probability = 1.0 / (1.0 + np.exp(-(_logit(england) - (concern[:, None] + trend + spread))))
        denominator = per_quarter(volume)
        numerator = rng.binomial(denominator.astype(np.int64), probability).astype(float)
        frames.append(_frame(areas, periods, indicator_id, numerator, denominator, 100.0, missed))
    return pd.concat(frames, ignore_index=True)


def _frame(
    areas: np.ndarray,
    periods: list[Period],
    indicator_id: str,
    numerator: np.ndarray,
    denominator: np.ndarray,
    multiplier: float,
    missed: np.ndarray,
) -> pd.DataFrame:
    """Long rows for one proportion or rate: nothing to divide by is 'z', a missed return 'missing'."""
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.round(numerator / denominator * multiplier, 1)
    status = np.where(denominator == 0, "z", "reported")
    status = np.where(missed, "missing", status)
    reported = status == "reported"
    return pd.DataFrame(
        {
            "area_code": np.repeat(areas, len(periods)),
            "indicator_id": indicator_id,
            "period_id": np.tile([p.period_id for p in periods], len(areas)),
            "value": np.where(reported, value, np.nan).ravel(),
            "numerator": np.where(reported, numerator, np.nan).ravel(),
            "denominator": np.where(reported, denominator, np.nan).ravel(),
            "status": status.ravel(),
            "note": None,
        }
    )


def _counts(
    areas: np.ndarray, periods: list[Period], indicator_id: str, counts: np.ndarray, missed: np.ndarray
) -> pd.DataFrame:
    """Long rows for a count in the quarter (no denominator)."""
    status = np.where(missed, "missing", "reported")
    return pd.DataFrame(
        {
            "area_code": np.repeat(areas, len(periods)),
            "indicator_id": indicator_id,
            "period_id": np.tile([p.period_id for p in periods], len(areas)),
            "value": np.where(missed, np.nan, counts).ravel(),
            "numerator": np.nan,
            "denominator": np.nan,
            "status": status.ravel(),
            "note": None,
        }
    )


# -- invented case review register -------------------------------------------------------------
# Serious incidents as England has them (about 405 notifications a year for 12.18 million
# children), known from April 2021; serious case reviews from before 2018 published 2017-2020.
_REGISTER_FROM = np.datetime64("2021-04-01")
_INCIDENTS_PER_CHILD_PER_YEAR = 405 / 12_183_016
_LEGACY_REVIEWS_PER_AREA = 1.2
_PRACTICE_REVIEW_SHARE = 0.3  # rapid reviews that lead to a local child safeguarding practice review
_ON_TIME = {"notified": 0.84, "rapid_review": 0.74, "published": 0.45, "completed": 0.75}
_THEME_WEIGHTS = np.array([1.6, 1.4, 1.4, 1.4, 1.2, 1.0, 1.0, 0.8, 0.8, 0.6, 1.0, 0.8, 0.9, 0.6, 0.5, 0.5])
_AGENCY_WEIGHTS = np.array([0.3, 0.2, 0.25, 0.1, 0.04, 0.03, 0.06, 0.02])
_REVIEW_COLUMNS = ["partnership", "review_id", "kind", "incident_known_date", "notification_date",
                   "rapid_review_date", "decision_date", "published_date", "themes"]
_RECOMMENDATION_COLUMNS = ["partnership", "review_id", "recommendation_id", "owner_agency", "due_date", "status",
                           "completed_date", "themes", "impact_check", "impact_checked_date", "impact_result"]
_NAMES_A_THEME = 0.08  # recommendations that name the theme they address (most registers do not yet)
_IMPACT_CHECKED = 0.55  # completed recommendations whose impact was checked, in an average area
_IMPACT_CHECK_WEIGHTS = {"re_audit": 0.45, "practitioner_survey": 0.3, "case_file_sample": 0.25}
_IMPACT_RESULT_WEIGHTS = {"improved": 0.5, "partly_improved": 0.35, "not_improved": 0.15}


def _on_time(rng: np.random.Generator, expected: float, concern: np.ndarray) -> np.ndarray:
    return rng.random(len(concern)) < 1.0 / (1.0 + np.exp(-(_logit(expected) - concern)))


def _day_text(days: np.ndarray) -> np.ndarray:
    text = np.datetime_as_string(days, unit="D").astype(object)
    text[np.isnat(days)] = ""
    return text


def synthetic_register(ref: Reference, periods: list[Period], seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An invented register of every area as at the end of ``periods``: (reviews, recommendations) in the
    upload layout. Weak areas are late more often and their themes come back more often."""
    areas = ref.areas.sort_values("area_code")["area_code"].to_numpy()
    concern, trend = _area_concern(np.random.default_rng(seed), len(areas), len(periods))
    rng = np.random.default_rng([seed, 2])
    as_at = np.datetime64(periods[-1].end)
    ends = np.array([p.end for p in periods], dtype="datetime64[D]")

    span = int((as_at - _REGISTER_FROM).astype(int))
    expected = _population(ref, areas) * _INCIDENTS_PER_CHILD_PER_YEAR * span / 365.25
    counts = rng.poisson(expected * np.exp(rng.normal(0, 0.25, len(areas))))
    area = np.repeat(np.arange(len(areas)), counts)
    known = _REGISTER_FROM + rng.integers(0, span, len(area)).astype("timedelta64[D]")
    # Practice in the quarters shown follows each area's trend; before them, its level.
    worse = concern[area] + trend[area, np.clip(np.searchsorted(ends, known), 0, len(periods) - 1)] * (
        known > np.datetime64(periods[0].start))
    notified_in = np.where(_on_time(rng, _ON_TIME["notified"], worse), rng.integers(1, 6, len(area)),
                           rng.integers(6, 16, len(area)))
    notified = _add_each(known, notified_in)
    reviewed_in = np.where(_on_time(rng, _ON_TIME["rapid_review"], worse), rng.integers(8, 16, len(area)),
                           rng.integers(16, 36, len(area)))
    rapid = _add_each(notified, reviewed_in)
    rapid[rapid > as_at] = np.datetime64("NaT")
    practice = ~np.isnat(rapid) & (rng.random(len(area)) < _PRACTICE_REVIEW_SHARE)
    decision = np.where(practice & (rng.random(len(area)) < 0.2),
                        rapid + rng.integers(5, 21, len(area)).astype("timedelta64[D]"), np.datetime64("NaT"))
    decision[decision > as_at] = np.datetime64("NaT")
    start = np.where(np.isnat(decision), rapid, decision)
    published = start + np.where(_on_time(rng, _ON_TIME["published"], worse), rng.integers(100, 179, len(area)),
                                 rng.integers(200, 501, len(area))).astype("timedelta64[D]")
    published[~practice | (published > as_at)] = np.datetime64("NaT")
    keep = notified <= as_at
    incidents = pd.DataFrame({
        "area": area, "kind": np.where(practice, "lcspr", "rapid_review"), "incident_known_date": known,
        "notification_date": notified, "rapid_review_date": rapid, "decision_date": decision,
        "published_date": published,
    })[keep]

    legacy_area = np.repeat(np.arange(len(areas)), rng.poisson(_LEGACY_REVIEWS_PER_AREA, len(areas)))
    legacy = pd.DataFrame({
        "area": legacy_area, "kind": "legacy_scr",
        "published_date": np.datetime64("2017-01-01") + rng.integers(0, 1461, len(legacy_area)).astype(
            "timedelta64[D]"),
    })
    reviews = pd.concat([legacy, incidents], ignore_index=True)
    for column in ("incident_known_date", "notification_date", "rapid_review_date", "decision_date"):
        reviews[column] = reviews[column].astype("datetime64[s]")
    reviews["reviewed_on"] = reviews["rapid_review_date"].fillna(reviews["published_date"])
    reviews = reviews.sort_values(["area", "incident_known_date", "published_date"], na_position="first",
                                  kind="stable", ignore_index=True)
    prefix = np.where(reviews["kind"] == "legacy_scr", "SCR", "R")
    number = reviews.groupby(["area", prefix]).cumcount() + 1
    reviews["review_id"] = [f"{p}{n:03d}" for p, n in zip(prefix, number)]
    reviews["partnership"] = areas[reviews["area"].to_numpy()]

    # Themes: every area leans to two of its own, more strongly the weaker it is, so they come back. Drawn from
    # their own stream, so that a theme added to the taxonomy leaves the rest of the register as it was.
    themes = [t.theme_id for t in load_themes()]
    theme_rng = np.random.default_rng([seed, 3])
    leaning = np.tile(_THEME_WEIGHTS, (len(areas), 1))
    sticky = np.argsort(theme_rng.random((len(areas), len(themes))), axis=1)[:, :2]
    np.put_along_axis(leaning, sticky, np.take_along_axis(leaning, sticky, 1) * (2.0 + 4.0 * np.clip(
        concern, 0, None))[:, None], axis=1)
    chosen = []
    for area_index, k in zip(reviews["area"], 1 + theme_rng.binomial(2, 0.4, len(reviews))):
        weights = leaning[area_index] / leaning[area_index].sum()
        chosen.append("; ".join(themes[i] for i in sorted(theme_rng.choice(len(themes), k, replace=False,
                                                                            p=weights))))
    reviews["themes"] = chosen

    # Recommendations of every review that has reported: 3 or more from a practice or serious case review,
    # the odd one from a rapid review; late or open more often in weak areas.
    dated = reviews[reviews["reviewed_on"].notna()]
    many = dated["kind"] != "rapid_review"
    per_review = np.where(many, 3 + rng.poisson(2, len(dated)), rng.poisson(1.0, len(dated)))
    rows = dated.loc[dated.index.repeat(per_review)].reset_index(drop=True)
    rows["recommendation_id"] = rows.groupby(["area", "review_id"]).cumcount() + 1
    made = rows["reviewed_on"].to_numpy(dtype="datetime64[D]")
    due = made + rng.integers(60, 366, len(rows)).astype("timedelta64[D]")
    late = ~_on_time(rng, _ON_TIME["completed"], concern[rows["area"].to_numpy()])
    completed = np.where(late, due + rng.integers(10, 301, len(rows)).astype("timedelta64[D]"),
                         due - rng.integers(0, 61, len(rows)).astype("timedelta64[D]"))
    completed = np.maximum(completed, made)
    done = completed <= as_at
    recommendations = pd.DataFrame({
        "partnership": rows["partnership"],
        "review_id": rows["review_id"],
        "recommendation_id": rows["recommendation_id"].astype(str),
        "owner_agency": np.array(list(AGENCIES))[rng.choice(len(AGENCIES), len(rows), p=_AGENCY_WEIGHTS)],
        "due_date": _day_text(due),
        "status": np.where(done, "completed", np.where(rng.random(len(rows)) < 0.7, "in_progress", "not_started")),
        "completed_date": _day_text(np.where(done, completed, np.datetime64("NaT"))),
    })
    recommendations = pd.concat([recommendations, _learning(rows, completed, done, concern, as_at, seed)], axis=1)
    for column in ("incident_known_date", "notification_date", "rapid_review_date", "decision_date",
                   "published_date"):
        reviews[column] = _day_text(reviews[column].to_numpy(dtype="datetime64[D]"))
    return reviews[_REVIEW_COLUMNS], recommendations[_RECOMMENDATION_COLUMNS]


def _learning(rows: pd.DataFrame, completed: np.ndarray, done: np.ndarray, concern: np.ndarray, as_at: np.datetime64,
              seed: int) -> pd.DataFrame:
    """What some invented recommendations address (one theme of their review) and, once completed, how its impact was
    checked: less often in weak areas. Drawn from their own stream, so that the rest of the register stays as it
    was; areas that lean to a theme find it again after its recommendation was signed off."""
    rng = np.random.default_rng([seed, 4])
    review_themes = rows["themes"].str.split("; ")
    picked = (rng.random(len(rows)) * review_themes.str.len()).astype(int)
    names_theme = rng.random(len(rows)) < _NAMES_A_THEME
    addressed = [found[i] if named else "" for found, i, named in zip(review_themes, picked, names_theme)]
    checked = done & _on_time(rng, _IMPACT_CHECKED, concern[rows["area"].to_numpy()])
    checked_on = completed + rng.integers(30, 240, len(rows)).astype("timedelta64[D]")
    checked &= checked_on <= as_at
    check = rng.choice(list(_IMPACT_CHECK_WEIGHTS), len(rows), p=list(_IMPACT_CHECK_WEIGHTS.values()))
    result = rng.choice(list(_IMPACT_RESULT_WEIGHTS), len(rows), p=list(_IMPACT_RESULT_WEIGHTS.values()))
    return pd.DataFrame({
        "themes": addressed,
        "impact_check": np.where(checked, check, ""),
        "impact_checked_date": _day_text(np.where(checked, checked_on, np.datetime64("NaT"))),
        "impact_result": np.where(checked, result, ""),
    })


def _add_each(days: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Each day plus its own number of working days."""
    result = np.full(days.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    for count in np.unique(counts):
        chosen = counts == count
        result[chosen] = add_working_days(days[chosen], int(count))
    return result
