"""Turn a `Reply` into what a screen shows, in one locale.

Every front end renders through here: the Telegram adapters, the terminal chat,
the chat simulator and the web preview. Message text and document captions are
Telegram HTML; button labels and venue fields are plain text, because Telegram
shows those as typed.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import tzinfo

from core.i18n import Catalogs, Text, render_text
from flows.replies import Label, Outcome, Reply


@dataclass(frozen=True, slots=True)
class RenderedVenue:
    title: str
    address: str
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class RenderedDocument:
    filename: str
    content: bytes
    mime_type: str
    caption: str | None = None


@dataclass(frozen=True, slots=True)
class RenderedReply:
    html: str | None
    keyboard: list[list[tuple[str, str]]] = field(default_factory=list)
    edit: bool = False
    venue: RenderedVenue | None = None
    document: RenderedDocument | None = None

    @property
    def plain_text(self) -> str:
        return to_plain_text(self.html) if self.html is not None else ""

    @property
    def button_ids(self) -> list[str]:
        return [button_id for row in self.keyboard for button_id, _ in row]


def render(reply: Reply, locale: str, catalogs: Catalogs, tz: tzinfo) -> RenderedReply:
    def html_of(text: Text) -> str:
        return render_text(text, locale, catalogs, tz)

    def plain(label: Label) -> str:
        return to_plain_text(html_of(label)) if isinstance(label, Text) else label

    paragraphs = [html_of(paragraph) for paragraph in reply.paragraphs]
    venue = document = None
    if reply.venue is not None:
        place = reply.venue
        venue = RenderedVenue(plain(place.title), place.address, place.latitude, place.longitude)
    if reply.document is not None:
        doc = reply.document
        caption = html_of(doc.caption) if doc.caption is not None else None
        document = RenderedDocument(doc.filename, doc.content, doc.mime_type, caption)
    return RenderedReply(
        html="\n\n".join(paragraphs) if paragraphs else None,
        keyboard=[[(button.id, plain(button.label)) for button in row] for row in reply.buttons],
        edit=reply.edit,
        venue=venue,
        document=document,
    )


def render_outcome(outcome: Outcome, catalogs: Catalogs, tz: tzinfo) -> list[RenderedReply]:
    """Every reply of one handled event, in the locale the engine settled on."""
    return [render(reply, outcome.locale, catalogs, tz) for reply in outcome.replies]


_TAG = re.compile(r"<[^>]*>")


def to_plain_text(markup: str) -> str:
    """Telegram HTML as the reader sees it: tags gone, entities decoded."""
    return html.unescape(_TAG.sub("", markup))
