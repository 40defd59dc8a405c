"""Board packs: A4 PDFs of the comparison for a board, a scrutiny panel or a regional meeting.

- ``partnership``: one partnership's pack (first page, spine chart, trends, case review learning, sources);
- ``national``: the ranked table with every row, the verdict matrix and the map, for England or a region;
- ``document``: the A4 document both are laid out on (fpdf2); ``images``: charts as PNG (kaleido);
- ``command``: ``boards pack``.
"""


class PackError(Exception):
    """A pack that cannot be made, said in one sentence (an unknown partnership, no Chromium for the charts)."""
