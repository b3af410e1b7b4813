"""Dispatcher tuning that keeps aiogram's behaviour and removes its per-update overhead.

aiogram runs every filter that is not a coroutine — every magic filter such as `F.chat.type == "private"` — in a
worker thread (`asyncio.to_thread`), to protect the event loop from blocking code. Ours are attribute comparisons
that take microseconds; the thread round trip takes ~50–100 µs on a busy core, and an update passes a dozen of
them on its way through the routers. That was the largest single cost of an update (benchmarks/throughput.py).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from aiogram import BaseMiddleware, Dispatcher, Router
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.types import Message, TelegramObject


def _inline(filter_object: FilterObject) -> None:
    if filter_object.awaitable:
        return
    check: Callable[..., Any] = filter_object.callback

    async def run(*args: Any, **kwargs: Any) -> Any:
        return check(*args, **kwargs)

    # `params` (what aiogram passes in) stays as computed from the original callable's signature.
    filter_object.callback = run
    filter_object.awaitable = True


def inline_sync_filters(router: Router) -> int:
    """Make every synchronous filter of the router tree run in the event loop; returns how many were changed."""
    changed = 0
    for filter_object in _filter_objects(router):
        if not filter_object.awaitable and not inspect.iscoroutinefunction(filter_object.callback):
            _inline(filter_object)
            changed += 1
    return changed


def _filter_objects(router: Router) -> Iterable[FilterObject]:
    return (filter_object for _where, filter_object in _filters(router))


def _filters(router: Router) -> Iterable[tuple[str, FilterObject]]:
    """Every filter of the router tree, router-level (on the observer's `_handler`) and handlers', with where it is
    ("router.event")."""
    for each in router.chain_tail:
        for event, observer in each.observers.items():
            for handler in [observer._handler, *observer.handlers]:
                for filter_object in handler.filters or []:
                    yield f"{each.name}.{event}", filter_object


def prefix_checks(router: Router) -> int:
    """Let every `Command(...)` and `SomeCallbackData.filter()` of the tree turn away by its first character or
    prefix what it can never take, before the work it would do to find out. Returns how many filters were changed.

    An ordinary message meets the Command filter of every command handler of the routers it passes (four for a
    question in the private chat), and a button press the CallbackData filter of each button handler before its
    own. aiogram's filters answer "not mine" only after parsing: Command splits the text and raises and catches an
    exception; CallbackData tries to build a pydantic model and catches the error (~5–8 µs each;
    benchmarks/throughput.py). Both refuse for the reason checked here first, so the answer is the same:
    - `Command` refuses a text (or caption) whose first non-space character is not one of its prefixes;
    - `CallbackData.unpack` refuses data whose part before the first separator is not its prefix.
    """
    changed = 0
    for filter_object in _filter_objects(router):
        original = filter_object.callback
        if isinstance(original, CallbackQueryFilter):
            filter_object.callback = _callback_data_checked(original)
        elif isinstance(original, Command):
            filter_object.callback = _command_checked(original)
        else:
            continue
        changed += 1
    return changed


def _callback_data_checked(original: CallbackQueryFilter) -> Callable[..., Awaitable[Any]]:
    factory = original.callback_data
    prefix = factory.__prefix__
    head = prefix + factory.__separator__

    async def check(query: Any, **kwargs: Any) -> Any:
        data = getattr(query, "data", None)
        if isinstance(data, str) and data != prefix and not data.startswith(head):
            return False
        return await original(query, **kwargs)

    return check


def _command_checked(original: Command) -> Callable[..., Awaitable[Any]]:
    prefixes = original.prefix

    async def check(message: Any, **kwargs: Any) -> Any:
        if isinstance(message, Message):
            text = (message.text or message.caption or "").lstrip()  # str.split(), which Command uses, drops it too
            if not text or text[0] not in prefixes:
                return False
        return await original(message, **kwargs)

    return check


def threaded_filters(router: Router) -> list[str]:
    """Filters that would still run in a thread (for the test that keeps this true as routers are added)."""
    return [where for where, filter_object in _filters(router) if not filter_object.awaitable]


def looks_like_command(message: Message) -> bool:
    """True for what aiogram's `Command` filter could match: a text (or caption) whose first word starts with "/".

    Same reading as `Command.extract_command` (the first whitespace-separated word; all our commands use the default
    "/" prefix), so a router that only answers commands can check this once instead of every Command filter parsing
    the text (and possibly awaiting `bot.me()`) for each handler of an ordinary message.
    """
    text = message.text or message.caption
    return bool(text) and text.lstrip().startswith("/")  # type: ignore[union-attr]


# Filters for the routers every message passes, as plain functions: a magic filter such as
# `F.chat.type == "private"` gives the same answer in ~1.5 µs instead of ~0.1 µs (benchmarks/throughput.py).
GROUP_TYPES = frozenset({"group", "supergroup"})


def in_private(message: Message) -> bool:
    """`F.chat.type == "private"`."""
    return message.chat.type == "private"


def in_groups(message: Message) -> bool:
    """`F.chat.type.in_({"group", "supergroup"})`."""
    return message.chat.type in GROUP_TYPES


def plain_text(message: Message) -> bool:
    """`F.text, ~F.text.startswith("/")`: a text message that is not a command."""
    text = message.text
    return bool(text) and not text.startswith("/")  # type: ignore[union-attr]


def section(name: str, message_filter: Any, *routers: Router) -> Router:
    """A parent router that lets an update reach `routers` only if one of them could take it.

    Each router an update passes costs a function call and its root filter, more under aiogram's own walk (~20-30 µs
    with its wrappers and copies; bot/propagation.py does without them). A section is passed in one step by messages
    that fail `message_filter` and by update types that none of its routers handles (an inline query skips every
    router of the group chats). Other updates go through the routers in their order, exactly as if the routers were
    included directly.
    """
    parent = Router(name=name)
    parent.include_routers(*routers)
    used = set(parent.resolve_used_update_types())
    for update_type, observer in parent.observers.items():
        if update_type not in used:
            observer.filter(_nobody)
    parent.message.filter(message_filter)
    return parent


def _nobody(event: Any) -> bool:
    """The filter of an update type no router in a section takes (none of them has a handler for it)."""
    return False


class Provide(BaseMiddleware):
    """Hands the bot's services to the handler that takes an update, and to nothing on the way there.

    aiogram copies every workflow value into each router, filter and handler call an update passes; each value costs
    ~3.7 µs per update (benchmarks/throughput.py, measured with 30 dummy values: 630 → 740 µs). Registered as the
    outermost inner middleware of every event type, this puts the services into the handler's data only once a
    handler has been chosen, so handlers still ask for them by name. Filters and outer middlewares run before it and
    do not see them: a filter that needs a service gets it from a workflow value (tests/test_throughput.py checks
    that no filter asks for a provided one).
    """

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.values = dict(values)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        data.update(self.values)
        return await handler(event, data)


def provide(dp: Dispatcher, values: Mapping[str, Any]) -> Provide:
    """Give `values` to every handler of the dispatcher's tree (not to the dispatcher's own update handler, which
    every update passes)."""
    provider = Provide(values)
    for name, observer in dp.observers.items():
        if name != "update":
            observer.middleware(provider)
    return provider


def provided(dp: Dispatcher) -> dict[str, Any]:
    """The values `provide` gave the dispatcher's handlers."""
    found = next((m for m in dp.message.middleware if isinstance(m, Provide)), None)
    if found is None:
        raise LookupError("provide() was not called on this dispatcher")
    return found.values


def filters_asking_for(router: Router, names: Iterable[str]) -> list[str]:
    """Filters (router-level or a handler's) that ask for one of `names`: they would never receive it."""
    wanted = set(names)
    return [f"{where}: {sorted(f.params & wanted)}" for where, f in _filters(router) if f.params & wanted]
