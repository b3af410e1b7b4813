"""End to end over HTTP: the real polling bot checks a new member and removes a phishing message."""

from __future__ import annotations

import time
from pathlib import Path

from bot.protection.challenge import PICTURES
from tests.botapi import FakeBotAPI, running_bot

TOKEN = "123456789:AAE-e2e-token-abcdefghijklmnopqrstu"
GROUP = {"id": -1001111111111, "type": "supergroup", "title": "Relocation Almaty"}
ADMIN = {"id": 501, "is_bot": False, "first_name": "Asel", "language_code": "en"}
NEWBIE = {"id": 601, "is_bot": False, "first_name": "Dana", "language_code": "en"}
REGULAR = {"id": 602, "is_bot": False, "first_name": "Marat", "language_code": "en"}


def joined(user: dict) -> dict:  # type: ignore[type-arg]
    return {"chat_member": {
        "chat": GROUP, "from": user, "date": int(time.time()),
        "old_chat_member": {"status": "left", "user": user},
        "new_chat_member": {"status": "member", "user": user},
    }}  # fmt: skip


async def test_join_check_and_phishing_over_http(tmp_path: Path) -> None:
    api = FakeBotAPI(TOKEN)
    api.chat_admins[GROUP["id"]] = [api.admin(ADMIN)]
    await api.start()
    async with running_bot(api, tmp_path, DEFAULT_LANGUAGE="en") as bot:
        i, _ = await api.wait_for("getUpdates")
        allowed = api.calls[i].params.get("allowed_updates")
        assert {"chat_member", "chat_join_request", "edited_message"} <= set(allowed)

        await api.push(joined(NEWBIE))
        i, restrict = await api.wait_for("restrictChatMember", after=i)
        assert int(restrict.params["user_id"]) == NEWBIE["id"]
        assert restrict.params["permissions"]["can_send_messages"] is False
        i, challenge = await api.wait_for("sendMessage", after=i)
        buttons = [b["text"] for row in challenge.params["reply_markup"]["inline_keyboard"] for b in row]
        asked = [e for e in buttons if f"<b>{PICTURES[e]}</b>" in challenge.params["text"]]
        assert len(buttons) == 8 and len(asked) == 1
        await api.press(NEWBIE, challenge.result, asked[0])
        i, lifted = await api.wait_for("restrictChatMember", after=i + 1)
        assert lifted.params["permissions"]["can_send_messages"] is True

        phishing = await api.push_text(REGULAR, "Получите ИИН онлайн: https://egov-kz.online/iin", chat=GROUP)

        def removed() -> bool:
            ids = [int(c.params["message_id"]) for c in api.calls if c.method == "deleteMessage"]
            return phishing["message_id"] in ids

        await api.wait_until(removed, what="the phishing message deleted")
        i, mute = await api.wait_for("restrictChatMember", after=i + 1)
        assert int(mute.params["user_id"]) == REGULAR["id"]
    assert bot.returncode == 0, bot.stderr
    assert "egov-kz.online" not in bot.stderr  # the message text never reaches the logs
