"""End to end over HTTP: an admin bans and mutes by reply; the real polling bot calls the Bot API."""

from __future__ import annotations

from pathlib import Path

from tests.botapi import FakeBotAPI, running_bot

REPO = Path(__file__).resolve().parent.parent
TOKEN = "123456789:AAE-e2e-token-abcdefghijklmnopqrstu"
GROUP = {"id": -1001111111111, "type": "supergroup", "title": "Relocation Almaty"}
ADMIN = {"id": 501, "is_bot": False, "first_name": "Asel", "language_code": "en"}
TROLL = {"id": 502, "is_bot": False, "first_name": "Troll"}
MEMBER = {"id": 503, "is_bot": False, "first_name": "Dana"}


async def test_ban_and_mute_by_reply_over_http(tmp_path: Path) -> None:
    api = FakeBotAPI(TOKEN)
    api.chat_admins[GROUP["id"]] = [api.admin(ADMIN)]
    await api.start()
    async with running_bot(api, tmp_path, DEFAULT_LANGUAGE="en") as bot:
        i, _ = await api.wait_for("getUpdates")
        allowed = api.calls[i].params.get("allowed_updates")
        assert "chat_member" in allowed and "callback_query" in allowed

        troll_msg = await api.push_text(TROLL, "you are all wrong about rent prices", chat=GROUP)
        await api.push_text(MEMBER, "/ban", chat=GROUP, reply_to=troll_msg)  # not an admin: nothing happens
        await api.push_text(ADMIN, "/ban 7d insults", chat=GROUP, reply_to=troll_msg)
        i, ban = await api.wait_for("banChatMember")
        assert int(ban.params["chat_id"]) == GROUP["id"] and int(ban.params["user_id"]) == TROLL["id"]
        assert int(ban.params["until_date"]) > 0
        assert not [c for c in api.calls[:i] if c.method == "banChatMember"]  # the member's /ban did nothing
        i, confirm = await api.wait_for("sendMessage", after=i)
        assert confirm.params["text"] == "🔨 Troll is banned. For 1w.\nReason: insults"

        other = await api.push_text(MEMBER, "spam spam", chat=GROUP)
        await api.push_text(ADMIN, "/mute 30m", chat=GROUP, reply_to=other)
        i, mute = await api.wait_for("restrictChatMember", after=i)
        assert int(mute.params["user_id"]) == MEMBER["id"]
        assert mute.params["permissions"]["can_send_messages"] is False
        i, confirm = await api.wait_for("sendMessage", after=i)
        assert confirm.params["text"] == "🔇 Dana is muted. For 30m."
    assert bot.returncode == 0, bot.stderr
    assert "rent prices" not in bot.stderr  # message text never reaches the logs
