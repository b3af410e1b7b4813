"""Offline search over the guides: text analysis, BM25F ranking and a calibrated confidence for group answers.

Pure code: no aiogram and no I/O (the command-line front end is `bot.search.cli`).
"""

from bot.search.index import Hit, SearchDoc, SearchIndex
from bot.search.question import looks_like_question, normalize_query

__all__ = ["Hit", "SearchDoc", "SearchIndex", "looks_like_question", "normalize_query"]
