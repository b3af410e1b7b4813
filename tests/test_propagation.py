"""LeanDispatcher walks the router tree exactly as aiogram's Dispatcher does.

The same tree of routers is built twice, once under each dispatcher, and fed the same updates. Every filter,
middleware and handler writes down what it received; the two records must be identical, and the record must show
the rules that matter (so that a tree in which nothing happens could not pass).
"""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import BaseMiddleware, Bot, Dispatcher, F, Router
from aiogram.dispatcher.event.bases import REJECTED, UNHANDLED, SkipHandler
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.filters import Command, CommandObject, ExceptionTypeFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Chat, Message, TelegramObject, Update, User

from bot.propagation import LeanDispatcher

TOKEN = "42:propagation-test"
USER = User(id=7, is_bot=False, first_name="Asel")
PRIVATE = Chat(id=7, type="private")
GROUP = Chat(id=-100, type="supergroup", title="Relocants")


class Pick(CallbackData, prefix="pick"):
    item: str


def describe(value: Any) -> Any:
    """What a value is, comparable between the two trees (which have different router and handler objects)."""
    if value is UNHANDLED:
        return "UNHANDLED"
    if isinstance(value, Router):
        return f"router:{value.name}"
    if isinstance(value, HandlerObject):
        return f"handler:{getattr(value.callback, '__name__', '?')}"
    if isinstance(value, Bot):
        return "bot"
    if isinstance(value, TelegramObject):
        return type(value).__name__
    if isinstance(value, CommandObject):
        return f"command:{value.command}:{value.args}"
    if isinstance(value, CallbackData):
        return value.pack()
    if isinstance(value, dict | list | str | int | float | bool | type(None)):
        return value
    return type(value).__name__


def seen(data: dict[str, Any]) -> dict[str, Any]:
    return {key: describe(value) for key, value in sorted(data.items())}


class Replace(BaseMiddleware):
    """Replaces a value the handlers will see."""

    async def __call__(self, handler: Any, event: TelegramObject, data: dict[str, Any]) -> Any:
        data["workflow_value"] = "replaced"
        return await handler(event, data)


class Record(BaseMiddleware):
    """Writes down what it saw and adds a value, before and after the rest of the chain."""

    def __init__(self, log: list[Any], name: str) -> None:
        self.log, self.name = log, name

    async def __call__(self, handler: Any, event: TelegramObject, data: dict[str, Any]) -> Any:
        self.log.append((self.name, seen(data)))
        data[self.name] = True
        result = await handler(event, data)
        self.log.append((f"{self.name} after", describe(result)))
        return result


def build(dispatcher_class: type[Dispatcher], log: list[Any]) -> Dispatcher:
    dp = dispatcher_class(name="dp", workflow_value="kept")
    dp.message.outer_middleware(Record(log, "dp_outer"))
    dp.message.middleware(Record(log, "dp_inner"))

    def note(name: str, result: Any = None) -> Any:
        async def handler(event: TelegramObject, **data: Any) -> Any:
            log.append((name, seen(data)))
            if isinstance(result, Exception):
                raise result
            return result if result is not None else name

        handler.__name__ = name
        return handler

    def adds(name: str, value: Any, passes: bool = True) -> Any:
        async def check(event: TelegramObject, **data: Any) -> Any:
            log.append((f"filter {name}", seen(data)))
            return {name: value} if passes else False

        return check

    # Root filter that adds a value; the first handler's second filter fails, so its first filter's value must not
    # reach the next handler; the next handler skips; the one after takes the message.
    first = Router(name="first")
    first.message.filter(F.text.lstrip("/").startswith("a"), adds("root", 1))
    first.message.register(note("never"), adds("partial", 2), adds("fails", 3, passes=False))
    first.message.register(note("skips", SkipHandler()), adds("before_skip", 4))
    first.message.register(note("takes_a"), Command("a"))
    first.message.register(note("takes_a_text"), F.text != "and more")
    # A sibling must not see what `first`'s filters added.
    second = Router(name="second")
    second.message.register(note("rejects", REJECTED), F.text == "reject")
    nested = Router(name="nested")
    nested.message.outer_middleware(Record(log, "nested_outer"))
    nested.message.filter(adds("nested_root", 5))  # a root filter behind an outer middleware
    nested.message.middleware(Record(log, "nested_inner"))
    nested.message.register(note("group_only"), F.chat.type == "supergroup", flags={"kind": "group"})
    nested.message.register(note("sync_filter"), lambda message: message.text == "sync")
    nested.message.register(note("fails_loudly", RuntimeError("boom")), F.text == "boom")
    second.include_router(nested)
    third = Router(name="third")
    third.message.middleware(Replace())
    third.message.register(note("after_reject"), F.text == "reject")
    third.message.register(note("fallthrough"), F.text == "and more")
    third.callback_query.register(note("picked"), Pick.filter(F.item != "none"))
    errors = Router(name="errors")
    errors.errors.register(note("value_error"), ExceptionTypeFilter(ValueError))
    errors.errors.register(note("error"), ExceptionTypeFilter(RuntimeError))
    dp.include_routers(first, second, third, errors)
    return dp


def updates() -> list[Update]:
    def message(update_id: int, text: str, chat: Chat = PRIVATE) -> Update:
        return Update(
            update_id=update_id, message=Message(message_id=update_id, date=0, chat=chat, from_user=USER, text=text)
        )

    shown = Message(message_id=1, date=0, chat=PRIVATE, text="menu")
    return [
        message(1, "/a with args"),
        message(2, "also text"),
        message(3, "reject"),
        message(4, "hello", GROUP),
        message(5, "sync"),
        message(6, "boom"),
        message(7, "nobody takes this"),
        message(10, "and more"),
        Update(
            update_id=8,
            callback_query=CallbackQuery(
                id="1", from_user=USER, chat_instance="c", data=Pick(item="tea").pack(), message=shown
            ),
        ),
        Update(
            update_id=9,
            callback_query=CallbackQuery(id="2", from_user=USER, chat_instance="c", data="pick:none", message=shown),
        ),
    ]


async def run(dispatcher_class: type[Dispatcher]) -> list[Any]:
    log: list[Any] = []
    dp = build(dispatcher_class, log)
    bot = Bot(TOKEN)
    try:
        for update in updates():
            update = Update.model_validate(update.model_dump(), context={"bot": bot})
            try:
                result = await dp.feed_update(bot, update)
            except RuntimeError as exc:  # no error handler took it
                result = f"raised {exc}"
            log.append(("result", update.update_id, describe(result)))
    finally:
        await bot.session.close()
    return log


@pytest.mark.asyncio
async def test_the_lean_walk_gives_everything_the_same_values_in_the_same_order() -> None:
    aiogram_log = await run(Dispatcher)
    lean_log = await run(LeanDispatcher)
    assert lean_log == aiogram_log


@pytest.mark.asyncio
async def test_the_record_shows_the_rules_it_compares() -> None:
    log = await run(LeanDispatcher)
    results = {entry[1]: entry[2] for entry in log if entry[0] == "result"}
    assert results[1] == "takes_a"
    assert results[2] == "takes_a_text"
    assert results[3] == "after_reject"  # REJECTED in `second` moves on to the next sibling
    assert results[4] == "group_only"
    assert results[5] == "sync_filter"
    assert results[6] == "error"  # the errors router got the exception
    assert results[7] == "UNHANDLED"
    assert results[8] == "picked"
    assert results[9] != "picked"  # the rule of the CallbackData filter failed

    handled = {name: data for name, data in (e for e in log if len(e) == 2) if isinstance(data, dict)}
    # Values from a passed root filter and from the handler's own filters reach the handler...
    assert handled["takes_a"]["root"] == 1
    assert handled["takes_a"]["command"] == "command:a:with args"
    assert handled["takes_a"]["handler"] == "handler:takes_a"
    assert handled["takes_a"]["event_router"] == "router:first"
    assert handled["takes_a"]["workflow_value"] == "kept"
    assert handled["takes_a"]["dp_outer"] is True and handled["takes_a"]["dp_inner"] is True
    # ...but not those of a handler whose filters failed, nor of a handler that skipped.
    assert "partial" not in handled["takes_a_text"] and "before_skip" in handled["takes_a_text"]
    # A sibling router sees nothing `first` added; a nested router's middlewares wrap only its own handlers.
    assert "root" not in handled["group_only"] and "root" not in handled["fallthrough"]
    assert results[10] == "fallthrough"
    assert handled["group_only"]["nested_outer"] is True and handled["group_only"]["nested_inner"] is True
    assert handled["group_only"]["event_router"] == "router:nested"
    assert handled["picked"]["callback_data"] == "pick:tea"
    assert handled["error"]["event_router"] == "router:errors"
    assert "value_error" not in handled  # the error filter of the first error handler did not pass
    assert handled["group_only"]["nested_root"] == 5
    assert handled["fallthrough"]["workflow_value"] == "replaced"  # a middleware's change reaches the handler
    assert handled["takes_a"]["workflow_value"] == "kept"  # ...of its own router only
