"""Telegram HTML made safe for a page: Telegram's few tags kept, everything else escaped.

The engine already escapes every value it puts into a message (a youth's name, their
text), so this is a second fence: whatever a flow or a catalogue might let through,
the page only ever gets the tags Telegram itself would render, and links only to
web, mail or Telegram addresses.
"""

from __future__ import annotations

import html
import re

from markupsafe import Markup, escape

# The formatting tags of Telegram's HTML parse mode that flows use.
_SIMPLE = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre"})
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)((?:\s+[^<>]*)?)>")
_HREF = re.compile(r"""\s+href\s*=\s*"([^"]*)"\s*$""")
_SAFE_LINK = re.compile(r"(https?://|mailto:|tg://)", re.IGNORECASE)


def telegram_html(markup: str) -> Markup:
    """`markup` as Telegram shows it, with nothing a browser would run."""
    parts: list[Markup] = []
    position = 0
    for match in _TAG.finditer(markup):
        parts.append(_text(markup[position : match.start()]))
        parts.append(_tag(match))
        position = match.end()
    parts.append(_text(markup[position:]))
    return Markup("").join(parts)


def _text(fragment: str) -> Markup:
    # Already escaped by the engine: decode, then escape once, so nothing is doubled.
    return escape(html.unescape(fragment))


def _tag(match: re.Match[str]) -> Markup:
    closing, name, attributes = match.group(1), match.group(2).lower(), match.group(3)
    if name in _SIMPLE and not attributes.strip():
        return Markup("</{}>").format(name) if closing else Markup("<{}>").format(name)
    if name == "a":
        if closing:
            return Markup("</a>")
        href = _HREF.match(attributes)
        target = html.unescape(href.group(1)) if href else ""
        if _SAFE_LINK.match(target):
            return Markup('<a href="{}" rel="noopener noreferrer">').format(target)
        return Markup("<a>")
    return escape(match.group(0))
