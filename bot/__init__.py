"""The bot's core. Importing it first makes aiogram build its models on demand (see bot/lazy_models.py)."""

from bot.lazy_models import install as _install_lazy_models

_install_lazy_models()
