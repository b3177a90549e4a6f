"""Signed session cookies with idle expiry, a CSRF token per session, and security headers.

The session lives in the cookie itself, signed with `ADMIN_SECRET_KEY` (itsdangerous),
so any process of the panel can read it and no table is needed. It holds the staff
id, the CSRF token and when it was last used, by the injected clock: a session
unused for `ADMIN_SESSION_IDLE` is replaced by an empty one. Every response
re-signs it, so activity keeps it alive. The account is re-read on each request
(`admin.access`), so a deactivated account loses its sessions at once.

Every visitor gets a session and a CSRF token, the login form included: a forged
login is refused like any other forged form.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.clock import Clock

COOKIE = "passerelle_session"
LOCALE_COOKIE = "passerelle_lang"
CSRF_FIELD = "csrf_token"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


@dataclass
class Session:
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    staff_id: int | None = None
    # The account's `credential_stamp` at login: a new password ends older sessions.
    credential: str | None = None
    # The staff session that was there before went idle: the login page says so.
    expired: bool = False

    def log_in(self, staff_id: int, credential: str) -> None:
        # A new token at login: one seen before it (e.g. planted by someone else) is void.
        self.csrf = secrets.token_urlsafe(32)
        self.staff_id = staff_id
        self.credential = credential
        self.expired = False

    def log_out(self) -> None:
        self.csrf = secrets.token_urlsafe(32)
        self.staff_id = None
        self.credential = None


def session_of(connection: HTTPConnection) -> Session:
    session: Session = connection.scope["passerelle_session"]
    return session


def is_https(connection: HTTPConnection) -> bool:
    """Served over https, directly or behind a proxy that says so.

    Trusting the proxy's header here can only add the Secure flag, which never
    weakens the cookie.
    """
    forwarded = connection.headers.get("x-forwarded-proto", "").split(",")[0].strip()
    return connection.url.scheme == "https" or forwarded.lower() == "https"


class SessionMiddleware:
    def __init__(self, app: ASGIApp, *, secret_key: str, idle_seconds: float, clock: Clock):
        self.app = app
        self.serializer = URLSafeSerializer(secret_key, salt="passerelle.admin.session")
        self.idle_seconds = idle_seconds
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        session = self._load(connection.cookies.get(COOKIE))
        scope["passerelle_session"] = session
        secure = is_https(connection)

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                headers.append("Set-Cookie", self._cookie(session, secure))
                headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _load(self, cookie: str | None) -> Session:
        if not cookie:
            return Session()
        try:
            data: dict[str, Any] = self.serializer.loads(cookie)
            csrf, staff_id, seen = str(data["c"]), data.get("s"), float(data["t"])
            credential = data.get("k")
        except (BadSignature, KeyError, TypeError, ValueError):
            return Session()
        if self.clock.now().timestamp() - seen > self.idle_seconds:
            return Session(expired=staff_id is not None)
        return Session(
            csrf=csrf,
            staff_id=int(staff_id) if staff_id is not None else None,
            credential=str(credential) if credential is not None else None,
        )

    def _cookie(self, session: Session, secure: bool) -> str:
        value = self.serializer.dumps(
            {
                "c": session.csrf,
                "s": session.staff_id,
                "k": session.credential,
                "t": self.clock.now().timestamp(),
            }
        )
        # No Max-Age: the browser forgets it when closed; idleness is judged from "t".
        attributes = ["Path=/", "HttpOnly", "SameSite=Lax"]
        if secure:
            attributes.append("Secure")
        return f"{COOKIE}={value}; {'; '.join(attributes)}"


def csrf_matches(session: Session, submitted: str | None) -> bool:
    return bool(submitted) and secrets.compare_digest(session.csrf, str(submitted))
