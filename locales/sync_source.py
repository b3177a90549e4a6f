"""Make the French catalogue mirror the source code after `pybabel update`.

French is the source language: every msgid is already the French text. The
French catalogue still exists, so that French gets French plural rules (0 is
singular) and the catalogue checks treat every locale alike. This copies each
msgid into its msgstr and clears any fuzzy mark, keeping the file as `pybabel
update` writes it.

Run from the repository root: `python locales/sync_source.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

SOURCE_CATALOG = Path(__file__).resolve().parent / "fr" / "LC_MESSAGES" / "messages.po"


def sync(path: Path = SOURCE_CATALOG) -> int:
    """Fill the catalogue from its msgids; return how many entries changed."""
    with path.open("rb") as file:
        catalog = read_po(file, locale="fr", domain="messages")
    changed = 0
    catalog.fuzzy = False
    for message in catalog:
        if not message.id:
            continue
        source = _source_text(message.id, catalog.num_plurals)
        if message.string != source or message.fuzzy:
            message.string = source
            message.flags.discard("fuzzy")
            changed += 1
    with path.open("wb") as file:
        write_po(file, catalog, ignore_obsolete=True)
    return changed


def _source_text(msgid: str | tuple[str, ...], num_plurals: int) -> str | tuple[str, ...]:
    """The msgstr French gets: the msgid, with the plural text in every non-singular form.

    The number of forms comes from the catalogue's header, which CLDR has
    changed for French over time (2 forms, then 3 with "many" for millions).
    """
    if isinstance(msgid, str):
        return msgid
    singular, plural = msgid[0], msgid[1]
    return (singular, *[plural] * (num_plurals - 1))


def main() -> int:
    changed = sync()
    print(f"{SOURCE_CATALOG}: {changed} French entries filled from their msgid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
