"""The comparison's one error, kept apart so the command line can catch it without loading SciPy."""


class ComparisonError(ValueError):
    """The comparison cannot be made as asked (unknown period, empty database, bad weights file)."""
