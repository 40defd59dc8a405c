"""About: every indicator's definition, polarity and source; the methods in plain words; the
data sources and their licence; the accessibility statement.

Every sentence here is the project's own text or read from its own files (the catalogue,
``data/concern_weights.csv``, ``data/reference/PROVENANCE.md``); the thresholds are read from the
comparison engine's constants, so the words cannot drift from what the engine does.
"""

import json

import pandas as pd
import streamlit as st

from boards.catalogue import DOMAINS, catalogue_frame, load_catalogue
from boards.charts.explorer import POLARITY_WORDS, UNIT_WORDS
from boards.compare import funnel
from boards.compare.backtest import JUDGEMENTS, RESULTS_PATH, auc_table
from boards.compare.engine import AS_AT_MAX_AGE_DAYS, MIN_DENOMINATOR, ROBUST_LEVELS
from boards.compare.robust import MAD_TO_SD
from boards.compare.score import INTERVAL_REPLICATES as REPLICATES
from boards.compare.score import WEIGHTS_PATH, load_weights
from boards.compare.trend import MIN_POINTS, QUARTERS_IN_WINDOW, YEARS_IN_WINDOW
from boards.exports import to_csv_bytes
from boards.pages.frame import comparison, current_store
from boards.provenance import attribution, source_files
from boards.reviews.themes import RECURRENCE_RULES

OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
FREQUENCY_WORDS = {
    "quarter": "Quarterly",
    "year_to_march": "Annual, year to 31 March",
    "year_to_september": "Annual, year to 30 September",
}
WEIGHT_COLUMNS = {"kind": "Kind", "key": "Applies to", "weight": "Weight", "comment": "Why"}

st.title("About this dashboard")
st.write(
    "This dashboard compares every local safeguarding children partnership in England with England, "
    "its region and its statistical neighbours, so that partnerships that may be weak stand out early, "
    "with the reason and with how sure we can be that the difference is real and not chance."
)
st.markdown(
    "- [Indicators](#indicators)\n- [How partnerships are compared](#how-partnerships-are-compared)\n"
    "- [Data sources and licence](#data-sources-and-licence)\n- [Accessibility statement](#accessibility-statement)"
)

# -- indicators ------------------------------------------------------------------------------

st.header("Indicators", anchor="indicators")
catalogue = catalogue_frame(load_catalogue())
st.write(
    f"{len(catalogue)} indicators in {catalogue['domain'].nunique()} domains. Polarity says which direction "
    "is better; context indicators are shown and compared with England but never judged."
)
indicators = pd.DataFrame(
    {
        "Domain": catalogue["domain"].map(DOMAINS),
        "Indicator": catalogue["name"],
        "Code": catalogue["indicator_id"],
        "Definition": catalogue["definition"],
        "Numerator": catalogue["numerator"],
        "Denominator": catalogue["denominator"].fillna("None"),
        "Polarity": catalogue["polarity"].map(POLARITY_WORDS),
        "Unit": catalogue["unit"].map(UNIT_WORDS),
        "Frequency": catalogue["period_type"].map(FREQUENCY_WORDS),
        "Source": catalogue["source"],
    }
)
for domain in DOMAINS.values():
    st.subheader(domain)
    in_domain = indicators[indicators["Domain"] == domain]
    st.table(in_domain[["Indicator", "Definition", "Polarity", "Unit", "Frequency", "Source"]], hide_index=True)
st.download_button(
    "Download every indicator (CSV, with each numerator and denominator)",
    to_csv_bytes(indicators),
    file_name="indicators.csv",
    mime="text/csv",
    icon=":material/download:",
    key="indicators_download",
)

# -- methods ---------------------------------------------------------------------------------

st.header("How partnerships are compared", anchor="how-partnerships-are-compared")
CAP = load_weights().cap
st.markdown(
    f"""
#### Benchmarks
Each partnership is set against **England** (the published national figure; for local returns,
which nobody publishes, all partnerships' figures added together; for counts and grades, the
median of partnerships), its **region** worked out the same way, and its **statistical
neighbours** (the ten areas most like it in the Department for Education's 2025 model). Rank 1
is the best value, with the indicator's polarity applied.

#### How sure is a figure? Confidence intervals
A small partnership's percentage can swing a long way by chance. The 95% interval shown around a
value is the range its true value most likely lies in. Percentages use the **Wilson** score
interval; rates per 10,000 children use the **exact Poisson** interval below 10 events and
**Byar's** approximation from 10 events up. These are the methods Public Health England's
Fingertips profiles use.

#### Real difference or chance? Funnel plots
A funnel plot compares each partnership with England *at its own size*. Around the England line it
draws two pairs of control limits, wide for small partnerships and narrow for large ones: the
**95%** limits, drawn so that a partnership would fall outside them by chance about once in 20, and
the **99.8%** limits, drawn for about once in 500 (how often they did in a simulated England is
below). Percentages use exact binomial limits and rates exact
Poisson limits, as Spiegelhalter set out in *Funnel plots for comparing institutional performance*
(Statistics in Medicine, 2005), each side judged on its mid-P value (the chance of a figure further
out, plus half the chance of this one). The workforce rates of full-time equivalents (vacancy,
agency, turnover) are not counts of people each with a chance of an event, so they are judged as
continuous rates with normal limits. A partnership outside the 95% limits on the bad side is flagged
**worse**; outside the 99.8% limits the evidence is strong. On the good side it is **better**.

#### When partnerships differ more than chance allows: overdispersion
Local authorities differ for real reasons (population, local practice, how things are recorded),
so they usually vary more than chance alone would explain. Left alone, plain limits would then
flag a large share of big authorities. So the limits are **widened with an additive random-effects
model**, the method NHS England uses for its hospital mortality indicator (SHMI): each partnership
is accepted to have its own true level around England, and only one further away than partnerships
usually are is flagged. How far partnerships usually are (the between-area spread) is estimated
from the partnerships with {MIN_DENOMINATOR} or more in the denominator, whenever at least
{funnel.MIN_AREAS} of them report. It is set so that the middle partnership (the median, not the
mean) sits where a partnership typically sits by chance, so a few far-out partnerships barely move
it: ten partnerships planted well away from the rest raised it by a tenth, where the usual method
(the mean with the top and bottom 10% pulled in) rose by a fifth. When they spread no more than
chance gives, the estimate is 0 and the limits stay exact. Spiegelhalter's overdispersion test is
shown beside it but does not decide: with a few dozen partnerships it missed real spread often, and
the plain limits then flagged 7% of ordinary partnerships at 95%. In a simulated England where
partnerships truly differ by that spread, with the real numbers of referrals and child protection
plans, 0.26% and 0.22% fell outside the 99.8% limits and 5.0% outside the 95% ones (the limits' own
promise is 0.2% and 5%); ten partnerships three spreads worse than England were found outside the
95% limit 98.9% and 83.0% of the time. Where a limit would lie beyond 0% or 100% (a spread of 9
points around 81% of conferences on time, or 9 points around a 14% vacancy rate) nobody can cross
it, so only one side can flag and fewer do: 2.5% to 3.7% outside the 95% limits on those indicators,
where the 17 indicators with a funnel range from 2.5% to 5.2%. That is how the real figures behave:
a few authorities really are at 0% (5 of 145 on agency staff), about as many as a spread of that size
gives, and they are not unusual. The funnel on each indicator's page says whether its limits were widened.
"""
)
if current_store().has_observations():
    rereferrals = comparison().area_results
    rereferrals = rereferrals[rereferrals["indicator_id"] == "rereferral_rate"]
    if len(rereferrals):
        judged = ["worse", "better"]
        plain = int((rereferrals["plain_flag"].isin(judged) & (rereferrals["plain_flag_level"] == "99.8")).sum())
        widened = int((rereferrals["flag"].isin(judged) & (rereferrals["flag_level"] == "99.8")).sum())
        st.markdown(
            f"For example, on the latest re-referral figures, plain limits would put **{plain}** of "
            f"{len(rereferrals)} partnerships beyond the 99.8% limits; the widened limits put **{widened}**."
        )
st.markdown(
    f"""
#### Figures with no denominator: robust z-scores
Caseloads, months since inspection, counts of audits and the sickness absence rate (whose
denominator is not published) cannot be put on a funnel. Each partnership is instead measured
against the others: its **robust z-score** is its distance from the median of partnerships
divided by their typical spread ({MAD_TO_SD} times the median absolute deviation, Iglewicz and Hoaglin,
1993). Beyond {ROBUST_LEVELS["95"]:.0f} robust standard deviations (SDs) either way is flagged at the
lower level, beyond {ROBUST_LEVELS["99.8"]:.0f} at the higher. They are named for what they are, not
"95%" and "99.8%": how often a partnership falls beyond them by chance depends on the shape of the
spread, and on skewed figures it is more often than a funnel's limits. Audits are compared per
10,000 children, so a large county is not better for being large. Median and spread are not pulled
by the very outliers they look for. **Ofsted
grades** are Ofsted's own judgement and are shown as that, with the day the inspection ended,
never as beyond a limit: Inadequate and Requires improvement are a concern (Inadequate weighs as
much as a flag beyond 99.8%, Requires improvement as one beyond 95%), Outstanding is better. An
inspection counts once, however many quarters its judgement stands. Months since the last
inspection is context: Ofsted, not the partnership, decides when to inspect.

#### Getting better or worse? Trends
For each partnership the last {QUARTERS_IN_WINDOW} quarters (quarterly figures) or
{YEARS_IN_WINDOW} years (annual figures), with at least {MIN_POINTS} of them reported, are tested
for a rise or fall **relative to England** at the 5% level: the partnership's slope (Armitage's, for
percentages and rates) against England's, allowing for partnerships' slopes differing more than
chance from one another. A change every partnership shares is not a local trend; in simulations
with autocorrelated quarters or a national drift, about 1 in 20 partnerships with no trend of their
own were called worsening or improving (4.3-4.9%). Figures with no denominator are compared by how fast
they change against how fast other partnerships change. A partnership flagged worse in several
periods in a row is said to be "worse for N quarters (or years) running".

#### Missing returns and suppressed figures
A partnership that did not send a quarterly figure others sent is flagged **did not report**:
a missing return is a signal, never a zero. Figures the publisher suppressed (to protect
confidentiality, or too small to be reliable) are **not compared**. A percentage or rate with
fewer than {MIN_DENOMINATOR} in its denominator (a handful of meetings, notifications or FTE) is
shown but marked **too few to judge**, Public Health England's threshold for small numbers: one
event moves it by more than 10 points, so it is neither "similar" nor counted in the concern score.

#### Which period is compared
A comparison is made **as at** the end of a quarter: it uses only what had been published by that
day, so a past quarter, and the history of a score, show what a director could have seen then, not
figures published later. Annual figures count with their latest year that DfE had published by
the quarter's end (no more than {AS_AT_MAX_AGE_DAYS // 365} years old): a year to 31 March from
1 December after it (children in need statistics), a year to 30 September from 1 March after it
(workforce statistics), the same rule as the backtest. So as at 2025-26 Q2 (30 September 2025) the
children in need figures are those for 2023-24; the year to March 2025, published on 1 December
2025, counts from 2025-26 Q3. An Ofsted judgement counts from the day its report was published.
A quarter's local returns count from that quarter: they are what its comparison is about and are
always sent after it ends; the day each was loaded is its publication date. Every page names the
period it shows: "year to 31 Mar 2025", "year to 30 Sep 2025".

#### The concern score
One number per partnership that puts partnerships in order of concern: how far, on average, its
figures lie from England, in standard deviations, positive worse. For every judged indicator
assessed for a partnership it takes the figure's **signed distance** from England: for
percentages and rates the z of its position in the funnel, widened for the spread between areas,
so that a small or uncertain figure is shrunk towards zero (3 of 5 is not as far as 300 of 500);
for figures without a denominator the robust z; for the ILACS judgement, Ofsted's grade in steps
from Good (Requires improvement +1, Inadequate +2, Outstanding -1; an inspection with no overall
grade, as from 2026, by the mean of its sub-judgements). Each distance counts up to {CAP:g} either
way, so that no single extreme figure decides a rank. A quarterly return not reported counts as
the worst a reported figure can, {CAP:g}, so **withholding a figure never lowers a score** (a test
checks every subset of a partnership's returns). Each distance is multiplied by its domain's
weight, and the vacancy and agency rates, which move together, by a half each so that the pair
counts once. Figures too few to judge are left out. The score is

**score = sum of (weight × capped distance) ÷ sum of the weights of the indicators assessed**

so 0 is England and +1 is on average one standard deviation worse. "What drives it" names the two
or three figures adding most. Rank 1 is the most concern; equal scores share a rank. Each rank
carries its **95% interval**, "rank 3 (1-9)": the figures are redrawn {REPLICATES:,} times from their
sampling error and the partnerships ranked again each time (Goldstein and Spiegelhalter, "League
tables and their limitations", 1996); the ranks between the 2.5th and 97.5th percentiles are the
interval. The flags (worse, beyond 99.8%) are shown on every page; the score uses the distances behind
them. The weights, with the reason for each, are in `data/concern_weights.csv`:
"""
)
weights = pd.read_csv(WEIGHTS_PATH).rename(columns=WEIGHT_COLUMNS)
st.table(weights, hide_index=True)
st.download_button(
    "Download the weights (CSV)",
    to_csv_bytes(weights),
    file_name="concern_weights.csv",
    mime="text/csv",
    icon=":material/download:",
    key="weights_download",
)

# The backtest's figures, from the file ``boards backtest --format json`` writes: too long a run for a page.
backtest = json.loads(RESULTS_PATH.read_text(encoding="utf-8"))
differences = {(row["window"], row["judgement"], row["outcome"]): row for row in backtest["score_minus_baseline"]}
quarters = {(row["window"], row["judgement"], row["outcome"]): row for row in backtest["worst_quarter"]}
OUT, RI = "out of sample (2022 on)", "Requires improvement or worse"
difference, quarter = differences[(OUT, "overall effectiveness", RI)], quarters[(OUT, "overall effectiveness", RI)]
st.markdown(
    f"""
#### Does the score find the areas Ofsted judges weak?
`boards backtest` checks it against every ILACS inspection since 2018 with a judgement:
{backtest["inspections"]} inspections, {backtest["in_sample"]} before 2022 and {backtest["out_of_sample"]} from 2022.
Each is scored as the partnership stood on the inspection's first day, on **published figures only**
(children in need figures for a year to 31 March counted from 1 December after it, workforce
figures for a year to 30 September from 1 March after it) and its previous ILACS judgement;
invented local returns play no part. The weights above were set before the inspections from 2022
were scored (nothing is fitted to the outcomes), so the figures from 2022 are out of sample.
The measure is the **area under the ROC curve** (AUC): the chance that an area Ofsted judged weak
scored above one it did not; 0.5 is a coin toss, 1 is perfect (Hanley and McNeil, 1982). Intervals
are 95%, from {backtest["replicates"]:,} bootstrap replicates that resample whole local authorities.
The **equal-weight z baseline** is the plain mean of the same published distances (no cap, no
weights, no previous judgement).

From 2022, the score minus the baseline, for Requires improvement or worse overall, is
{difference["difference"]:+.3f} (95% interval {difference["low"]:+.3f} to {difference["high"]:+.3f}); the quarter of inspections
with the highest scores were judged Requires improvement or worse {quarter["hit_rate"]:.0%} of the time, against
{quarter["base_rate"]:.0%} of all inspections. These published indicators cannot do much better on their own:
deprivation is the best-evidenced predictor of Ofsted's judgements (Webb, Bennett and Bywaters 2022;
Wilkins and Antonopoulou), and workforce instability goes with poor grades but partly follows them
(Hood and Goldacre 2021). Fresher local returns are where a better score must come from.
"""
)
for judgement in JUDGEMENTS:
    st.markdown(f"AUC against Ofsted's **{judgement}** judgement:")
    st.table(auc_table(backtest, judgement), hide_index=True)

st.markdown(
    "#### When a case review theme comes back\n"
    "Each case review is coded with themes from a fixed taxonomy (`data/review_themes.csv`), and each "
    "recommendation may name the themes it addresses. Two rules, kept apart on the Case reviews page:\n"
    + "".join(f"- **{rule}.** {text}\n" for rule, text in RECURRENCE_RULES.items())
)

# -- data sources ----------------------------------------------------------------------------

st.header("Data sources and licence", anchor="data-sources-and-licence")
st.markdown(
    f"""
**{attribution()}** [Read the licence]({OGL_URL}).

- **Department for Education**: Children in need statistics (referrals and re-referrals, table
  C1; children in need, table B1; repeat child protection plans, table D3), year to 31 March; and
  Children's social work workforce statistics, year to 30 September.
- **Ofsted**: local authority inspection outcomes (ILACS judgements and dates).
- **Office for National Statistics**: mid-year population estimates of children aged 0 to 17, and
  local authority and region codes.
- **Statistical neighbours**: the Department for Education's 2025 model.
- The files came from the MIT-licensed repositories dfe-analytical-services/CSC_outcomes_and_enablers,
  dfe-analytical-services/dfe-published-data-qa, data-to-insight/ofsted-ilacs-scrape-tool and
  odileeds/hexmaps (the hex map layout). Every file, its origin and its licence:
"""
)
files = source_files()
# A grid, not a static table: long file paths would overflow static cells into regions a
# keyboard cannot scroll.
st.dataframe(
    files[["file", "what it is", "source repository and path", "licence"]],
    hide_index=True,
    column_config={
        "file": st.column_config.TextColumn("File", width="medium"),
        "what it is": st.column_config.TextColumn("What it holds", width="large"),
        "source repository and path": st.column_config.TextColumn("Where it came from", width="medium"),
        "licence": st.column_config.TextColumn("Licence", width="small"),
    },
)
st.download_button(
    "Download the list of source files (CSV)",
    to_csv_bytes(files),
    file_name="data_sources.csv",
    mime="text/csv",
    icon=":material/download:",
    key="sources_download",
)

st.subheader("Invented demonstration figures")
freshness = current_store().read("indicator_freshness")
invented = freshness[freshness["sources"].fillna("").str.contains("demo")]
if len(invented):
    st.warning(
        "In this database the local quarterly returns are **invented**: drawn from a fixed random seed, "
        "they describe no real area. Published DfE and Ofsted figures are real.",
        icon=":material/science:",
    )
    st.write(f"The {len(invented)} indicators whose figures here are invented: " + "; ".join(invented["name"]) + ".")
else:
    st.write("This database holds no invented figures.")

# -- accessibility ---------------------------------------------------------------------------

st.header("Accessibility statement", anchor="accessibility-statement")
st.markdown(
    """
We want as many people as possible to be able to use this dashboard. It aims to meet the **Web
Content Accessibility Guidelines (WCAG) 2.2 at level AA**, the standard UK public sector websites
must meet under the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility
Regulations 2018. You should be able to:

- reach every choice, link, table and download with a keyboard alone;
- read every chart as a table, and download its figures as a spreadsheet (CSV);
- tell verdicts apart without colour: worse, similar and better each have their own symbol
  (▼ ● ▲) and word, and the colours are chosen to stay distinct with colour-blindness;
- share or bookmark what you are looking at: the indicator, period and partnership are in the
  web address.

#### How accessible this dashboard is
Every chart has a title, labelled axes, a one-sentence summary and a table with the same figures.
We know of these limitations:

- points on a chart cannot be reached with a keyboard or read by a screen reader one by one; the
  table under each chart holds the same figures, and a partnership's profile opens from the
  partnership list as well as from a click on a chart;
- the charts' hover labels need a mouse.

#### How we test it
Every page is checked automatically in a real browser (Chromium) with the axe-core accessibility
engine against the WCAG 2.0, 2.1 and 2.2 A and AA rules, each time the software is tested; a page
with a serious or critical failure does not pass. The browser tests also make choices with the
keyboard, and we look at screenshots of each page whenever it changes. The dashboard has not yet
been tested by disabled users or audited independently.

#### Reporting a problem
If you find a problem not listed here, or need a page in another format, tell the administrator
of this dashboard in your organisation: say which page, what you were trying to do, and which
browser and assistive technology you use. We aim to reply within 5 working days.

If you are not happy with how we respond, contact the
[Equality Advisory and Support Service (EASS)](https://www.equalityadvisoryservice.com/). The
Equality and Human Rights Commission (EHRC) is responsible for enforcing the accessibility
regulations.
"""
)
