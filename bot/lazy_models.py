"""aiogram's Telegram models, built when first used instead of all at import.

Why: importing `aiogram.types` rebuilds every one of its ~450 pydantic models at once, so that forward references
resolve, and pydantic-core keeps a whole validator tree for each of them. That alone takes ~165 MB here, above the
150 MB the bot may use in all (aiogram issue #1513). The bot meets a few dozen of those models; built on demand
they take a few MB, and the process starts faster.

How: `install()` wraps `BaseModel.model_rebuild` before aiogram is imported.
- While `aiogram.types` is imported, its rebuild of each model (which passes the namespace of all Telegram types) is
  not run; the namespace is kept. The models are already declared `defer_build`, so they stay unbuilt.
- Later, when pydantic first needs one of aiogram's models (a type, a method, a `Response[...]`), it rebuilds it
  through the same call; the wrapper hands it the kept namespace, so the model is built exactly as aiogram would
  have built it.
- Every other model is left to pydantic untouched.

If aiogram was imported before `install()`, or a later aiogram stops passing the namespace, nothing is deferred and
aiogram builds everything at import as before: the bot then uses more memory but works the same.
tests/test_lazy_models.py builds every type, every method and every method's response this way.
"""

from __future__ import annotations

import sys
from typing import Any

from pydantic import BaseModel

_NAMESPACE_ARG = "_types_namespace"  # how aiogram.types passes its namespace to model_rebuild

_types_namespace: dict[str, Any] | None = None
_original: Any = None  # BaseModel.__dict__["model_rebuild"]: the classmethod object


def _is_aiogram(cls: type) -> bool:
    return cls.__module__.startswith("aiogram.")


def _model_rebuild(cls: type[BaseModel], **kwargs: Any) -> bool | None:
    global _types_namespace
    rebuild = _original.__func__
    if not _is_aiogram(cls):
        return rebuild(cls, **kwargs)
    namespace = kwargs.get(_NAMESPACE_ARG)
    if namespace is not None and cls.__module__.startswith("aiogram.types") and not cls.__pydantic_complete__:
        # aiogram.types' import-time loop: remember the namespace, build later on first use.
        _types_namespace = namespace
        return None
    if namespace is None and _types_namespace is not None:
        kwargs[_NAMESPACE_ARG] = _types_namespace
    return rebuild(cls, **kwargs)


def install() -> bool:
    """Defer aiogram's model building; True if it takes effect (aiogram not imported yet)."""
    global _original
    if _original is not None:
        return True
    if "aiogram" in sys.modules:
        return False
    _original = BaseModel.__dict__["model_rebuild"]
    BaseModel.model_rebuild = classmethod(_model_rebuild)  # type: ignore[method-assign,assignment]
    return True


def deferred() -> bool:
    """True when aiogram's models are being built on demand (for the benchmark and the tests)."""
    return _types_namespace is not None


def warm_up() -> None:
    """Build the model every update needs before the first update arrives, not while it waits."""
    from aiogram.types import Update

    Update.model_rebuild()
