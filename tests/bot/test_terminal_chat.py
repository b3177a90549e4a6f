"""`python -m bot chat` driven through pipes: numbered buttons, commands, clean exits."""

from __future__ import annotations

import functools
import io
from pathlib import Path

import pytest

from bot.terminal_chat import INTRO, print_replies, run_terminal_chat
from core.clock import ManualClock
from core.config import Settings, load_settings
from core.i18n import Catalogs
from flows.render import RenderedDocument, RenderedReply, RenderedVenue
from tests.support.chat import compiled_catalogs

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def chat_settings(database_url: str) -> Settings:
    compiled_catalogs()  # the chat loads the product's catalogues
    return load_settings(None, database_url=database_url)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


async def _run(settings: Settings, clock: ManualClock, lines: str, *, tty: bool = False) -> str:
    stdin = _Terminal(lines) if tty else io.StringIO(lines)
    stdout = io.StringIO()
    code = await run_terminal_chat(settings, stdin=stdin, stdout=stdout, user_id=7, clock=clock)
    assert code == 0
    return stdout.getvalue()


NOTICE = {
    "fr": {
        "greeting": "Salut ! 👋",
        "notice": "📋 Avant de commencer, voici ce que je fais de tes données.",
        "age": [
            "🎂 Quel âge as-tu ?",
            "",
            "Je te le demande avant d’enregistrer quoi que ce soit.",
            "  [1] Moins de 16 ans",
            "  [2] 16 ou 17 ans",
            "  [3] 18 à 25 ans",
            "  [4] Plus de 25 ans",
        ],
        "consent": "✅ Es-tu d’accord pour que je garde tes informations, "
        "comme je viens de l’expliquer ?",
        "consent buttons": [
            "  [1] ✅ J’accepte",
            "  [2] Non merci",
            "  [3] 📄 Relire l’information",
        ],
    },
    "en": {
        "greeting": "Hi! 👋",
        "notice": "📋 Before we start, here is what I do with your data.",
        "age": [
            "🎂 How old are you?",
            "",
            "I ask before I save anything.",
            "  [1] Under 16",
            "  [2] 16 or 17",
            "  [3] 18 to 25",
            "  [4] Over 25",
        ],
        "consent": "✅ Do you agree that I keep your information, as I have just explained?",
        "consent buttons": [
            "  [1] ✅ I agree",
            "  [2] No thanks",
            "  [3] 📄 Read the information again",
        ],
    },
}


@pytest.mark.parametrize(("number", "locale"), [("1", "fr"), ("2", "en")])
async def test_start_then_numbers_pick_the_language_and_answer_the_notice(
    chat_settings: Settings, clock: ManualClock, number: str, locale: str
) -> None:
    output = await _run(chat_settings, clock, f"/start\n{number}\n3\n")
    lines = output.replace("\u202f", " ").splitlines()
    expected = NOTICE[locale]
    assert lines[0] == INTRO
    assert lines[1:6] == [
        "> /start",
        "🌍 Choisis ta langue.",
        "Choose your language.",
        "  [1] Français",
        "  [2] English",
    ]
    assert lines[7:9] == [f"> {number}", expected["greeting"]]
    assert expected["notice"] in lines
    tapped = lines.index("> 3")
    assert lines[tapped - len(expected["age"]) - 1 : tapped] == [*expected["age"], ""]
    assert lines[tapped + 1] == expected["consent"], "3 tapped the third age button"
    assert lines[-4:-1] == expected["consent buttons"]


async def test_a_terminal_starts_the_conversation_by_itself(
    chat_settings: Settings, clock: ManualClock
) -> None:
    output = await _run(chat_settings, clock, "2\n", tty=True)
    assert "  [2] English" in output
    assert "Before we start, here is what I do with your data." in output
    assert "  [4] Over 25" in output
    assert "> 2" not in output, "a terminal already shows what was typed"


async def test_blank_lines_are_skipped_and_other_lines_are_text_or_commands(
    chat_settings: Settings, clock: ManualClock
) -> None:
    output = await _run(chat_settings, clock, "/start\n1\n\n   \n9\n/menu\n")
    assert output.count("> ") == 4
    assert "> 9\nJe n’ai pas compris." in output, "a number with no such button is text"
    assert output.replace("\u202f", " ").rstrip().splitlines()[-4:] == [
        "Que veux-tu faire ?",
        "  [1] 👋 Commencer",
        "  [2] 🌍 Langue / Language",
        "  [3] ❓ Aide",
    ], "before consent, the menu offers to begin"


async def test_end_of_input_at_once_exits_cleanly(
    chat_settings: Settings, clock: ManualClock
) -> None:
    assert await _run(chat_settings, clock, "") == INTRO + "\n"


async def test_missing_catalogues_are_reported(
    chat_settings: Settings, clock: ManualClock, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("bot.terminal_chat.Catalogs", functools.partial(Catalogs, tmp_path))
    stdout = io.StringIO()
    code = await run_terminal_chat(chat_settings, stdin=io.StringIO(""), stdout=stdout, clock=clock)
    assert code == 1
    assert "make i18n" in stdout.getvalue()


def test_venues_documents_and_numbering_across_replies(tmp_path: Path) -> None:
    replies = [
        RenderedReply("<b>Ton</b> rendez-vous", [[("a:1", "Oui"), ("a:2", "Non")]]),
        RenderedReply(None, venue=RenderedVenue("Linkee", "12 rue des Pyrénées", 48.8, 2.4)),
        RenderedReply(
            None,
            [[("b:1", "Annuler")]],
            document=RenderedDocument(
                "../../rdv.ics", b"BEGIN:VCALENDAR", "text/calendar", "<i>Ajoute-le</i>"
            ),
        ),
    ]
    out = io.StringIO()
    assert print_replies(replies, out, tmp_path / "downloads") == ["a:1", "a:2", "b:1"]
    saved = tmp_path / "downloads" / "rdv.ics"
    assert saved.read_bytes() == b"BEGIN:VCALENDAR"
    assert out.getvalue().splitlines() == [
        "Ton rendez-vous",
        "  [1] Oui",
        "  [2] Non",
        "",
        "📍 Linkee — 12 rue des Pyrénées",
        "",
        "Ajoute-le",
        f"📎 {saved}",
        "  [3] Annuler",
        "",
    ]
