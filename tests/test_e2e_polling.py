"""End to end: the real `python -m bot run` process, long-polling a loopback Bot API server over HTTP."""

from __future__ import annotations

from pathlib import Path

from tests.botapi import Call, FakeBotAPI, running_bot

REPO = Path(__file__).resolve().parent.parent
TOKEN = "123456789:AAE-e2e-token-abcdefghijklmnopqrstu"
USER = {"id": 777, "is_bot": False, "first_name": "Dana", "language_code": "en"}


def message_of(call: Call) -> dict:  # type: ignore[type-arg]
    """The message as the user's app now shows it: what the server answered to the bot's send or edit."""
    return call.result  # type: ignore[no-any-return]


async def test_start_language_guide_deep_link_emergency_over_http(tmp_path: Path) -> None:
    api = FakeBotAPI(TOKEN)
    await api.start()
    async with running_bot(api, tmp_path, LOG_FORMAT="json") as bot:
        # Start-up: the bot drops any webhook, registers its commands per language, then long-polls.
        await api.wait_for("deleteWebhook")
        await api.wait_for("getUpdates")
        languages = {c.params.get("language_code") for c in api.calls if c.method == "setMyCommands"}
        assert languages == {None, "ru", "kk", "en"}

        await api.push_text(USER, "/start")
        i, sent = await api.wait_for("sendMessage")
        assert "Choose your language" in sent.params["text"]
        await api.press(USER, message_of(sent), "English")
        i, edited = await api.wait_for("editMessageText", after=i)
        assert edited.params["text"].startswith("👋 Hello!")
        await api.wait_for("answerCallbackQuery", after=i - 1)

        await api.press(USER, message_of(edited), "Guides")
        i, edited = await api.wait_for("editMessageText", after=i + 1)
        assert edited.params["text"] == "📚 Choose a topic:"
        await api.press(USER, message_of(edited), "First steps")
        i, edited = await api.wait_for("editMessageText", after=i + 1)
        await api.press(USER, message_of(edited), "IIN")
        i, edited = await api.wait_for("editMessageText", after=i + 1)
        assert "IIN" in edited.params["text"].split("\n")[0]
        assert "Reviewed on" in edited.params["text"] or "▶️" in str(edited.params["reply_markup"])

        await api.push_text(USER, "/start bank-account")
        i, sent = await api.wait_for("sendMessage", after=i + 1)
        assert sent.params["text"].startswith("<b>")
        assert "card" in sent.params["text"].lower()

        await api.push_text(USER, "/emergency")
        i, sent = await api.wait_for("sendMessage", after=i + 1)
        assert "112" in sent.params["text"]
    assert bot.returncode == 0, bot.stderr
    assert TOKEN not in bot.stderr
    assert "Dana" not in bot.stderr  # no user data in logs
