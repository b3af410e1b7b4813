"""The throughput benchmark's core runs and reports numbers; the dispatcher runs no filter in a thread."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Chat, Message

from bot.dispatching import (
    filters_asking_for,
    in_groups,
    in_private,
    plain_text,
    prefix_checks,
    threaded_filters,
)
from tests.builders import Person
from tests.conftest import Harness

REPO = Path(__file__).resolve().parent.parent


def load_benchmark():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("throughput", REPO / "benchmarks" / "throughput.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["throughput"] = module
    spec.loader.exec_module(module)
    return module


async def test_benchmark_core_runs_and_reports(tmp_path: Path) -> None:
    throughput = load_benchmark()
    result = await throughput.run_benchmark(updates=300, users=1000, seed=3, workdir=tmp_path)
    assert result.bot.updates == result.bare.updates == 300
    assert result.bot.rate > 0 and result.bare.rate > 0 and result.ratio > 0
    assert 0 < result.bot.percentile(50) <= result.bot.percentile(99)
    assert result.bot.api_calls > 0 and result.bare.api_calls == 300  # the echo answers every update once
    assert result.bot.deferred > 0 and result.bare.deferred == 0  # the bot's batched writes are timed too
    assert result.max_rss_mb >= result.baseline_mb > 0
    text = throughput.report(result)
    assert "updates/s" in text and "ratio" in text and "p99" in text and "peak memory" in text


async def test_no_filter_runs_in_a_worker_thread(harness: Harness) -> None:
    # aiogram would run each synchronous (magic) filter through asyncio.to_thread; see bot/dispatching.py.
    assert threaded_filters(harness.dp) == []  # type: ignore[arg-type]


async def test_filters_ask_only_for_workflow_values(harness: Harness) -> None:
    # Provided services reach handlers only (bot/dispatching.Provide); a filter asking for one would never get it.
    only_provided = harness.provided.keys() - harness.dp.workflow_data.keys()  # type: ignore[attr-defined]
    assert filters_asking_for(harness.dp, only_provided) == []  # type: ignore[arg-type]
    assert filters_asking_for(harness.dp, ["volunteers"]) != []  # the check sees filters' parameters  # type: ignore[arg-type]


async def test_handlers_receive_the_provided_services(harness: Harness) -> None:
    # Only what filters need travels with every update; a handler still gets any service it names.
    assert set(harness.dp.workflow_data) == {"volunteers", "reader_feedback"}  # type: ignore[attr-defined]
    guard = harness.provided["guard"]
    seen: dict[str, object] = {}

    async def probe(message: Message, guard: object, settings: object) -> None:
        seen.update(guard=guard, settings=settings)

    harness.dp.message.register(probe, F.text == "probe")  # type: ignore[attr-defined]  # before every router
    await harness.send(Person(4242, "Probe"), "probe")
    assert seen == {"guard": guard, "settings": harness.services.settings}


async def test_callback_data_filters_answer_as_before_after_the_prefix_check() -> None:
    class Pick(CallbackData, prefix="pick"):
        item: str
        page: int = 0

    router = Router()
    router.callback_query.register(lambda: None, Pick.filter(F.item != "none"))
    original = router.callback_query.handlers[0].filters[0].callback  # type: ignore[index]
    assert prefix_checks(router) == 1
    checked = router.callback_query.handlers[0].filters[0].callback  # type: ignore[index]
    assert checked is not original
    shown = Message(message_id=1, date=0, chat=Chat(id=1, type="private"), text="menu")
    for data in ("pick:tea:1", "pick:none:0", "pick:tea", "pick", "pickle:tea:1", "other:tea:1", "pick:tea:x", ""):
        query = CallbackQuery(id="1", from_user=Person(5).user, chat_instance="c", data=data, message=shown)
        assert await checked(query) == await original(query), data
    query = CallbackQuery(id="1", from_user=Person(5).user, chat_instance="c", data="pick:tea:1", message=shown)
    assert await checked(query) == {"callback_data": Pick(item="tea", page=1)}


async def test_command_filters_answer_as_before_after_the_prefix_check() -> None:
    router = Router()
    router.message.register(lambda: None, Command("search"))
    router.message.register(lambda: None, Command("go", "stop", prefix="!/"))
    originals = [handler.filters[0].callback for handler in router.message.handlers]  # type: ignore[index]
    assert prefix_checks(router) == 2
    checks = [handler.filters[0].callback for handler in router.message.handlers]  # type: ignore[index]
    bot = Bot("42:prefix-check")
    chat = Chat(id=1, type="private")
    texts = ("/search how to get an IIN", "  /search\tIIN", "/search", "/searching", "search", "how? /search",
             "!go now", "/stop", "?go", "", "   ", "\u00a0/search IIN", "/SEARCH iin", "/go")  # fmt: skip
    results = []
    for text in texts:
        for kind in ("text", "caption"):
            message = Message(message_id=1, date=0, chat=chat, **{kind: text})
            for original, checked in zip(originals, checks, strict=True):
                expected = await original(message, bot=bot)
                assert await checked(message, bot=bot) == expected, (text, kind)
                results.append(bool(expected))
    assert any(results) and not all(results)  # both answers were compared


async def test_the_bots_commands_and_buttons_are_prefix_checked(harness: Harness) -> None:
    # build_dispatcher already did it: nothing is left to change, and commands and buttons still work (the suite).
    assert prefix_checks(harness.dp) == 0  # type: ignore[arg-type]


def test_plain_function_filters_answer_as_the_magic_filters_they_replace() -> None:
    pairs = [
        (in_private, F.chat.type == "private"),
        (in_groups, F.chat.type.in_({"group", "supergroup"})),
    ]
    answers = set()
    for chat_type in ("private", "group", "supergroup", "channel"):
        for fields in ({"text": "hi"}, {"text": "/start"}, {"text": ""}, {"caption": "photo"}, {}):
            message = Message(message_id=1, date=0, chat=Chat(id=1, type=chat_type), **fields)
            for plain, magic in pairs:
                assert plain(message) == bool(magic.resolve(message)), (chat_type, fields)
            both = all(bool(f.resolve(message)) for f in (F.text, ~F.text.startswith("/")))
            assert plain_text(message) == both, (chat_type, fields)
            answers.add(plain_text(message))
    assert answers == {True, False}
