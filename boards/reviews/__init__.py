"""The case review learning tracker: the register of reviews and recommendations, and what it shows.

- ``workdays``: English working days (weekends and bank holidays), for the statutory timescales;
- ``themes``: the fixed taxonomy of review themes (``data/review_themes.csv``) and the recurrence rule;
- ``register``: the kinds, statuses and agencies of the register, and the current register in the store;
- ``derive``: the indicators derived from the register, as observations the comparison engine judges;
- ``summaries``: the tables the Case reviews page draws (theme matrix, timeline, overdue by agency).

The register is uploaded through the same import as the quarterly return (boards.imports).
"""
