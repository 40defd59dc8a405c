"""The comparison engine: which partnerships are really worse, on what, by how much, against
whom, and whether it is getting worse. Pure core code (no Streamlit).

Where to find what:

- ``engine.py``: ``compare(store, period_id)`` and the ``Comparison`` it returns; benchmarks,
  ranks, verdicts and the period rules (``from boards.compare.engine import compare``);
- ``intervals.py``: Wilson and Byar / exact Poisson confidence intervals;
- ``funnel.py``: funnel limits, verdicts and the overdispersion rule;
- ``robust.py``: robust z-scores for values without a denominator;
- ``trend.py``: tests for trend and runs of "worse";
- ``score.py``: the concern score (weights in ``data/concern_weights.csv``);
- ``sentences.py``: the sentence each result reads aloud;
- ``report.py`` and ``command.py``: the ``boards flags`` output and command;
- ``simulation.py``: Monte-Carlo checks of the funnel verdicts;
- ``arrays.py``: per-group quantiles and categorical tests that keep it fast; ``errors.py``;
- ``inputs.py`` and ``boards/sql/compare_*.sql``: what is read from the database, including how
  a partnership of several LAs combines its members' figures.
"""
