"""The embedded demo database: real published figures for every LA plus invented local returns.

Published: DfE workforce, referrals, child protection plans, children in need and population;
Ofsted ILACS grades and how long since each LA was inspected, as in force at each quarter end.
Invented (source ``demo``): eight quarters of the local quarterly return (partner attendance,
review timeliness, audits, supervision) drawn from a fixed seed, so every build is identical.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from boards.access import Actor
from boards.catalogue import Indicator, catalogue_frame, load_catalogue
from boards.imports.pipeline import commit_plan, inspect_upload
from boards.periods import Period, quarter, quarters_between, whole_months_between
from boards.reference import REFERENCE_DIR, Reference, load_reference
from boards.store import Store

DEMO_SEED = 20250401
DEMO_QUARTERS = quarters_between(quarter(2024, 3), quarter(2026, 2))
DEMO_LOADED_BY = "demo build"
DEMO_ACTOR = Actor(DEMO_LOADED_BY, "Demo database build", "analyst")
PUBLISHED_FILES = (
    "dfe/csww_indicators_2017_to_2025.csv",
    "dfe/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
    "dfe/d3_cpps_subsequent_plan_2013_to_2025.csv",
    "dfe/b1_children_in_need_2013_to_2025.csv",
)
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

    # The published files go through the same import as any upload of them.
    for step, name in enumerate(PUBLISHED_FILES, start=1):
        report(step / (len(PUBLISHED_FILES) + 3), f"Loading {Path(name).name}")
        path = REFERENCE_DIR / name
        commit_plan(store, inspect_upload(store, path.name, path.read_bytes(), actor=DEMO_ACTOR))

    report(0.75, "Deriving Ofsted inspection indicators")
    store.ensure_periods(DEMO_QUARTERS)
    ofsted_paths = [REFERENCE_DIR / name for name in OFSTED_FILES]
    store.commit_load(
        inspection_observations(ref, DEMO_QUARTERS),
        source="published",
        loaded_by=DEMO_LOADED_BY,
        file_name=" + ".join(p.name for p in ofsted_paths),
        file_hash=_file_hash(*ofsted_paths),
        note="ILACS grade in force and months since the last graded inspection at each quarter end",
    )

    report(0.85, "Inventing eight quarters of local returns")
    store.commit_load(
        synthetic_returns(ref, indicators, DEMO_QUARTERS, seed),
        source="demo",
        loaded_by=DEMO_LOADED_BY,
        file_name=f"synthetic local returns (seed {seed})",
        note="Invented for the demonstration: not real data about any area",
    )
    report(1.0, "Demo database ready")


def inspection_observations(ref: Reference, periods: list[Period]) -> pd.DataFrame:
    """ILACS grade in force and whole months since the last graded inspection, per area and period."""
    graded = ref.inspections.dropna(subset=["overall_grade"]).copy()
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
            note = f"{latest['inspection_type']} ending {latest['finished']:%d %b %Y}"
            months = whole_months_between(latest["finished"].date(), period.end)
            rows.append((area, "ilacs_grade", period.period_id, float(latest["overall_grade"]), "reported", note))
            rows.append((area, "months_since_inspection", period.period_id, float(months), "reported", note))
    frame = pd.DataFrame(rows, columns=["area_code", "indicator_id", "period_id", "value", "status", "note"])
    frame["numerator"] = np.nan
    frame["denominator"] = np.nan
    return frame


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
_PER_CHILD_PER_QUARTER = {
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


def synthetic_returns(
    ref: Reference, indicators: Mapping[str, Indicator], periods: list[Period], seed: int
) -> pd.DataFrame:
    """Invented quarterly returns for every area with realistic sizes, spread and a few weak areas."""
    rng = np.random.default_rng(seed)
    areas = ref.areas.sort_values("area_code")["area_code"].to_numpy()
    latest_year = ref.population["year"].max()
    population = (
        ref.population[ref.population["year"] == latest_year]
        .set_index("area_code")["population_0_17"]
        .reindex(areas)
        .fillna(ref.population["population_0_17"].min())
        .to_numpy(dtype=float)
    )
    n_areas, n_periods = len(areas), len(periods)

    # Positive "concern" means worse practice, whatever the indicator's polarity.
    concern = rng.normal(0.0, 0.3, n_areas)
    weak = rng.choice(n_areas, _WEAK_AREAS, replace=False)
    concern[weak] += 0.9
    trend = np.zeros((n_areas, n_periods))
    others = np.setdiff1d(np.arange(n_areas), weak)
    deteriorating = rng.choice(others, _DETERIORATING_AREAS, replace=False)
    trend[deteriorating] = np.linspace(0.0, 1.2, n_periods)
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
        frames.append(_frame(areas, periods, indicator_id, numerator, denominator, indicator.multiplier, missed))

    s47s = per_quarter("s47s_12_months")
    frames.append(_frame(areas, periods, "s47_rate", s47s, np.repeat(population[:, None], n_periods, axis=1),
                         indicators["s47_rate"].multiplier, missed))
    frames.append(_counts(areas, periods, "serious_incident_notifications", notifications, missed))
    audits = rng.poisson((2 + population / 25_000)[:, None] * np.exp(-(concern[:, None] + trend)))
    frames.append(_counts(areas, periods, "multi_agency_audits", audits.astype(float), missed))
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
