"""aiogram's models built on demand (bot/lazy_models.py): every one of them still builds and works, in a fresh process
that imports the bot the way `python -m bot` does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bot import lazy_models

REPO = Path(__file__).resolve().parent.parent

EVERY_MODEL = r"""
import json
import bot  # first, as `python -m bot` imports it
import aiogram.methods as methods
import aiogram.types as types
from aiogram.methods.base import Response, TelegramMethod
from bot import lazy_models

report = {"deferred": lazy_models.deferred(), "message_built_at_import": types.Message.__pydantic_complete__}
update = types.Update.model_validate({
    "update_id": 1,
    "message": {
        "message_id": 2, "date": 1760000000, "chat": {"id": -100, "type": "supergroup", "title": "Chat"},
        "from": {"id": 7, "is_bot": False, "first_name": "Ana"}, "text": "/start x",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        "reply_to_message": {"message_id": 1, "date": 1760000000, "chat": {"id": -100, "type": "supergroup"},
                             "photo": [{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}]},
        "reply_markup": {"inline_keyboard": [[{"text": "ok", "callback_data": "x"}]]},
    },
})
report["parsed"] = [update.message.from_user.first_name, update.message.reply_to_message.photo[0].width,
                    update.message.reply_markup.inline_keyboard[0][0].callback_data]
markup = types.InlineKeyboardMarkup(inline_keyboard=[[types.InlineKeyboardButton(text="a", callback_data="b")]])
send = methods.SendMessage(chat_id=1, text="hi", reply_markup=markup)
report["dumped"] = send.model_dump(exclude_none=True)["reply_markup"]["inline_keyboard"][0][0]["text"]
answer = Response[types.Message].model_validate({"ok": True, "result": {
    "message_id": 3, "date": 1760000000, "chat": {"id": 1, "type": "private"}}})
report["response"] = answer.result.message_id

failed = []
for name in types.__all__:
    model = getattr(types, name)
    if isinstance(model, type) and hasattr(model, "__pydantic_complete__"):
        try:
            model.__pydantic_validator__.title  # a model not built yet is built on this first use
        except Exception as error:
            failed.append(f"{name}: {error!r}"[:300])
methods_seen = 0
for name in methods.__all__:
    method = getattr(methods, name)
    if isinstance(method, type) and issubclass(method, TelegramMethod) and method is not TelegramMethod:
        methods_seen += 1
        try:
            method.__pydantic_validator__.title
            Response[method.__returning__].__pydantic_validator__.title
        except Exception as error:
            failed.append(f"{name}: {error!r}"[:300])
report["failed"] = failed
report["methods"] = methods_seen
report["incomplete"] = [n for n in types.__all__ if getattr(getattr(types, n), "__pydantic_complete__", True) is False]
print(json.dumps(report))
"""

AIOGRAM_FIRST = r"""
import json
import aiogram.types
from bot import lazy_models
print(json.dumps({"installed": lazy_models.install(), "deferred": lazy_models.deferred(),
                  "message_built": aiogram.types.Message.__pydantic_complete__}))
"""


def run(code: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_every_aiogram_model_builds_on_first_use() -> None:
    report = run(EVERY_MODEL)
    assert report["deferred"] is True
    assert report["message_built_at_import"] is False  # the deferral took effect: nothing built at import
    assert report["parsed"] == ["Ana", 1, "x"]
    assert report["dumped"] == "a"
    assert report["response"] == 3
    assert report["methods"] > 100
    assert report["failed"] == []
    assert report["incomplete"] == []


def test_installing_after_aiogram_changes_nothing() -> None:
    report = run(AIOGRAM_FIRST)
    assert report == {"installed": False, "deferred": False, "message_built": True}


def test_the_suite_itself_runs_with_models_on_demand() -> None:
    # conftest imports the bot before aiogram, so every other test exercises the on-demand path.
    assert lazy_models.deferred()
