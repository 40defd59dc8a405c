"""The HTTP layer around the dashboard: where the cookie routes may send the browser back to."""

import pytest
from starlette.requests import Request

from boards.web import back_to_path


@pytest.mark.parametrize(
    ("next_page", "back_to"),
    [
        ("/account", "/account"),
        ("/partnership?partnership=E08000021&period=2026-27%20Q2", "/partnership?partnership=E08000021&period=2026-27 Q2"),
        ("https://elsewhere.example/", "/"),
        ("//elsewhere.example/", "/"),
        ("/\\elsewhere.example/", "/"),
        (None, "/"),
    ],
)
def test_the_cookie_routes_return_only_to_this_site(next_page, back_to):
    """A link that would bounce a signed-in user to another site after setting the cookie goes home instead."""
    query = b"" if next_page is None else b"next=" + next_page.replace("&", "%26").replace(" ", "%20").encode()
    request = Request({"type": "http", "method": "GET", "path": "/session/start", "query_string": query, "headers": []})
    assert back_to_path(request) == back_to
