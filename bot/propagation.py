"""aiogram's walk through the router tree, with the same rules and less work per router.

`Router.propagate_event` builds, for every router an update passes, a closure, a `functools.wraps` wrapper around
it, a partial per filter and three copies of the values carried along, whether or not the router has middlewares or
filters for that update type. With the ~25 routers of this bot that was most of what an update cost beyond its own
handler (benchmarks/throughput.py). `LeanDispatcher` walks the same tree in the same order and gives filters,
middlewares and handlers the same values, but builds a wrapper only where a router has outer middlewares and
copies the values only where aiogram's result could differ without the copy:

- each router works on its own copy of what its parent passes, so what one router's filters add is never seen by
  its siblings;
- a handler's filters see what earlier filters of the same handler returned, and the handler gets it only when all
  its filters pass;
- `SkipHandler` in a handler or an inner middleware moves on to the next handler; a handler returning `REJECTED`
  counts as unhandled; the first handled result stops the walk.

tests/test_propagation.py runs the same trees through aiogram's `Dispatcher` and this one and compares what each
handler, filter and middleware received. The rules are read from aiogram 3.31 (`Router.propagate_event`,
`TelegramEventObserver.trigger`, `HandlerObject.check`); the test is what keeps them true on an upgrade.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from aiogram import Dispatcher, Router
from aiogram.dispatcher.event.bases import REJECTED, UNHANDLED, SkipHandler
from aiogram.dispatcher.event.handler import FilterObject, HandlerObject
from aiogram.dispatcher.event.telegram import TelegramEventObserver
from aiogram.types import TelegramObject

Next = Callable[[TelegramObject, dict[str, Any]], Any]  # what a middleware calls with the event and the values


class LeanDispatcher(Dispatcher):
    """A Dispatcher whose updates (and error events) walk the router tree through `propagate`."""

    async def propagate_event(self, update_type: str, event: TelegramObject, **kwargs: Any) -> Any:
        return await propagate(self, update_type, event, kwargs)


async def propagate(router: Router, update_type: str, event: TelegramObject, data: dict[str, Any]) -> Any:
    """`Router.propagate_event`; `data` belongs to this call (aiogram's `**kwargs`) and may be changed."""
    data["event_router"] = router
    observer = router.observers.get(update_type)
    if observer is not None and len(observer.outer_middleware):

        def inner(telegram_event: TelegramObject, values: dict[str, Any]) -> Any:
            return _propagate(router, observer, update_type, telegram_event, dict(values))

        return await _wrap(observer.outer_middleware[:], inner)(event, data)
    return await _propagate(router, observer, update_type, event, data)


async def _propagate(
    router: Router,
    observer: TelegramEventObserver | None,
    update_type: str,
    event: TelegramObject,
    data: dict[str, Any],
) -> Any:
    if observer is not None:
        root = observer._handler.filters
        if root:
            found = await _passes(root, event, data)
            if found is None:
                return UNHANDLED
            data.update(found)
        if observer.handlers:
            response = await _trigger(observer, event, data)
            if response is REJECTED:
                return UNHANDLED
            if response is not UNHANDLED:
                return response
    response = UNHANDLED
    for child in router.sub_routers:
        response = await propagate(child, update_type, event, dict(data))
        if response is not UNHANDLED:
            break
    return response


async def _trigger(observer: TelegramEventObserver, event: TelegramObject, data: dict[str, Any]) -> Any:
    """`TelegramEventObserver.trigger`: the first handler whose filters pass takes the event."""
    values = dict(data)
    for handler in observer.handlers:
        values["handler"] = handler
        if handler.filters:
            found = await _passes(handler.filters, event, values)
            if found is None:
                continue
            values.update(found)
        try:
            return await _chain(observer._resolve_middlewares(), handler)(event, values)
        except SkipHandler:
            continue
    return UNHANDLED


_NOTHING: dict[str, Any] = {}


async def _passes(filters: list[FilterObject], event: TelegramObject, data: dict[str, Any]) -> dict[str, Any] | None:
    """`HandlerObject.check`: None if a filter fails, else what the filters returned to add to the values."""
    found: dict[str, Any] | None = None
    seen = data
    for each in filters:
        result = await _call(each, event, seen)
        if not result:
            return None
        if isinstance(result, dict):
            if found is None:
                found, seen = {}, dict(data)
            found.update(result)
            seen.update(result)
    return _NOTHING if found is None else found


def _call(filter_object: FilterObject, event: TelegramObject, data: dict[str, Any]) -> Any:
    """`FilterObject.call`: the filter gets the values it names (all of them if it takes **kwargs)."""
    values = data if filter_object.varkw else {name: data[name] for name in filter_object.params if name in data}
    if filter_object.awaitable:
        return filter_object.callback(event, **values)
    return asyncio.to_thread(partial(filter_object.callback, event, **values))


def _chain(middlewares: list[Any], handler: HandlerObject) -> Callable[[TelegramObject, dict[str, Any]], Any]:
    """The handler inside its inner middlewares."""

    def call(event: TelegramObject, data: dict[str, Any]) -> Any:
        return handler.call(event, **data)

    return _wrap(middlewares, call)


def _wrap(middlewares: Sequence[Any], callback: Next) -> Next:
    """`MiddlewareManager.wrap_middlewares` without `functools.wraps` (nothing reads the wrapper's name): the first
    middleware outermost, each given the next as its handler."""
    chained = callback
    for middleware in reversed(middlewares):
        chained = partial(middleware, chained)
    return chained
