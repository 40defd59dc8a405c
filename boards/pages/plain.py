"""Text from uploads and accounts inside a Markdown message, shown exactly as written.

``st.error``, ``st.success`` and friends render Markdown: a file named ``[here](https://x)`` or
``![](https://x/pixel)`` would become a link or fetch an image. Every ASCII punctuation mark is
backslash-escaped (CommonMark lets any of them be), so the text reads as typed and nothing in
it is markup. ``st.dataframe`` never parses its cells; ``figures.static_table`` writes its
tables in Markdown, so it passes their text through here (an escaped pipe stays in its cell).
"""

from __future__ import annotations

import re
import string

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")


def plain(text: object) -> str:
    """``text`` for a Markdown body, with every character that could be markup escaped."""
    return _PUNCTUATION.sub(r"\\\1", str(text)).replace("\n", " ")
