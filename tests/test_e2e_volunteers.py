"""End to end: a volunteer updates a guide by sending the file to the real `python -m bot run` process over HTTP
(getFile and the file download included), previews, publishes, and a reader sees the new text; then SIGHUP reloads
content/ without replacing a working guide by a broken file."""

from __future__ import annotations

import asyncio
import shutil
import signal
from pathlib import Path
from typing import Any

from tests.botapi import FakeBotAPI, running_bot

REPO = Path(__file__).resolve().parent.parent
TOKEN = "123456789:AAE-e2e-token-abcdefghijklmnopqrstu"
OWNER = {"id": 901, "is_bot": False, "first_name": "Olga", "language_code": "en"}
READER = {"id": 902, "is_bot": False, "first_name": "Dana", "language_code": "ru"}
ENGLISH_READER = {"id": 903, "is_bot": False, "first_name": "Tom", "language_code": "en"}
MARK = "Проверочная строка из телефона."


def sent_to(api: FakeBotAPI, user: dict[str, Any], method: str = "sendMessage") -> list[dict[str, Any]]:
    return [c.params for c in api.calls if c.method == method and int(c.params.get("chat_id", 0)) == user["id"]]


async def test_volunteer_uploads_previews_publishes_and_reader_sees_it(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    original = (content / "ru" / "iin.md").read_text(encoding="utf-8")
    changed = original.replace("\n---\n", f"\n---\n{MARK}\n\n", 1)
    api = FakeBotAPI(TOKEN)
    await api.start()
    async with running_bot(api, tmp_path, BOT_OWNERS=str(OWNER["id"]), CONTENT_DIR=str(content)) as bot:
        await api.wait_for("getUpdates")
        await api.push_document(OWNER, "iin.md", changed.encode("utf-8"), caption="ru")
        i, _ = await api.wait_for("getFile")
        await api.wait_for("downloadFile", after=i)

        def publish_offer() -> dict[str, Any] | None:
            for call in api.calls:
                markup = call.params.get("reply_markup") if call.method == "sendMessage" else None
                if markup and "Publish" in str(markup):
                    return call.result  # type: ignore[no-any-return]
            return None

        await api.wait_until(lambda: publish_offer() is not None, what="the Publish button")
        texts = [p["text"] for p in sent_to(api, OWNER)]
        assert texts[0].startswith("👀 Preview of iin (Русский)")
        assert any(MARK in t for t in texts[1:-1])  # the preview page, as readers will see it
        assert "Changes: +2 / −0 lines" in texts[-1]
        await api.press(OWNER, publish_offer(), "Publish")  # type: ignore[arg-type]
        await api.wait_until(
            lambda: any("✅ Published: iin" in c.params.get("text", "") for c in api.calls), what="the publish"
        )

        await api.push_text(READER, "/start iin")
        await api.wait_until(lambda: any(MARK in p["text"] for p in sent_to(api, READER)), what="the new text")

        # SIGHUP: a good change in content/ is taken, a broken file keeps the working version.
        english = (content / "en" / "iin.md").read_text(encoding="utf-8")
        (content / "en" / "iin.md").write_text(english.replace("\n---\n", "\n---\nReloaded by SIGHUP.\n\n", 1))
        (content / "kk" / "iin.md").write_text("this file lost its front matter", encoding="utf-8")
        assert bot.proc is not None
        bot.proc.send_signal(signal.SIGHUP)
        for attempt in range(1, 21):
            await asyncio.sleep(0.25)
            await api.push_text(ENGLISH_READER, "/start iin")
            await api.wait_until(lambda n=attempt: len(sent_to(api, ENGLISH_READER)) >= n, what="the guide")
            if "Reloaded by SIGHUP." in sent_to(api, ENGLISH_READER)[-1]["text"]:
                break
        else:
            raise AssertionError("SIGHUP did not reload the content")
        kazakh = {**ENGLISH_READER, "id": 904, "language_code": "kk"}
        await api.push_text(kazakh, "/start iin")
        await api.wait_until(lambda: bool(sent_to(api, kazakh)), what="the Kazakh guide")
        assert sent_to(api, kazakh)[-1]["text"].startswith("<b>ЖСН")  # the working version stayed
        # Published text still wins over the file for Russian readers after the reload.
        await api.push_text(READER, "/start iin")
        await api.wait_until(lambda: len(sent_to(api, READER)) >= 2, what="the Russian guide again")
        assert MARK in sent_to(api, READER)[-1]["text"]
    assert bot.returncode == 0, bot.stderr
    assert "SIGHUP: reloading content" in bot.stderr and "content reloaded" in bot.stderr
    assert MARK not in bot.stderr and TOKEN not in bot.stderr  # no guide or message text in the logs
