"""HTTP around the dashboard (Starlette, never Streamlit): headers on every response, and the routes
that set and clear the session cookie (``boards.sessions``).

``server.py`` hands these to Streamlit's ``st.App``, whose server is a Starlette application.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from boards.accounts import utc_now
from boards.sessions import COOKIE_NAME, SESSIONS

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# No other site may show the dashboard in a frame (clickjacking): the standard header, and the older one
# for browsers that know only it.
SECURITY_HEADERS = (
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-frame-options", b"DENY"),
)


class SecurityHeaders:
    """ASGI middleware: SECURITY_HEADERS on every HTTP response, in place of any of the same name.

    Plain ASGI rather than Starlette's BaseHTTPMiddleware, which would buffer streamed responses."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        names = {name for name, _ in SECURITY_HEADERS}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(name, value) for name, value in message.get("headers", []) if name.lower() not in names]
                message["headers"] = [*kept, *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def back_to_path(request: Request) -> str:
    """The page to return to: a path on this site, never another site's address."""
    path = request.query_params.get("next", "/")
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else "/"


async def start_session(request: Request) -> RedirectResponse:
    """Swap a one-time token for the session cookie, then go back to the page the user signed in on."""
    cookie = SESSIONS.redeem(request.query_params.get("token", ""), now=utc_now())
    response = RedirectResponse(back_to_path(request), status_code=303)
    if cookie is not None:
        response.set_cookie(COOKIE_NAME, cookie, path="/", httponly=True, samesite="strict",
                            secure=request.url.scheme == "https")
    return response


async def end_session(request: Request) -> RedirectResponse:
    """Clear the session cookie (the session itself was ended by the page), then go back."""
    response = RedirectResponse(back_to_path(request), status_code=303)
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="strict")
    return response


def session_routes() -> list[Route]:
    """The cookie routes, for st.App; the pages send the browser to them only once they are served."""
    SESSIONS.cookie_routes_served = True
    return [Route("/session/start", start_session), Route("/session/end", end_session)]
