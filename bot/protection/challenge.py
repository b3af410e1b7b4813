"""The join challenge: "press the camel" with eight emoji buttons in random order.

The question names the picture in words, in the chat's language, and the buttons show only pictures, so a script
must understand the language to answer; the right button's place changes every time and its callback data is a
random token that says nothing about being right (the answer is kept on our side). With eight buttons and one
retry, a blind guess passes less than a quarter of the time, and a join bot rarely tries even once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from random import Random

from bot.translatable import N_

OPTIONS_PER_CHALLENGE = 8
ATTEMPTS = 2  # a misclick is forgiven once, with a new question
TOKEN_BYTES = 3  # 6 hex characters: short enough for callback data, different for every button

# Pictures that look alike in no common emoji font, with names people use in everyday speech. The name is
# translated; the emoji is what the button shows.
PICTURES: dict[str, str] = {
    "🐪": N_("the camel"),
    "🍎": N_("the apple"),
    "🚗": N_("the car"),
    "🏠": N_("the house"),
    "🐟": N_("the fish"),
    "⚽": N_("the ball"),
    "🌙": N_("the moon"),
    "🔑": N_("the key"),
    "🐎": N_("the horse"),
    "🍉": N_("the watermelon"),
    "✈️": N_("the plane"),
    "🌷": N_("the flower"),
    "📚": N_("the books"),
    "☂️": N_("the umbrella"),
    "🐱": N_("the cat"),
    "⏰": N_("the alarm clock"),
}


@dataclass(frozen=True)
class Challenge:
    """One question: the picture to press, and the buttons as (token, emoji) in display order."""

    answer: str  # the right button's token
    picture: str  # the emoji asked for
    options: tuple[tuple[str, str], ...]

    @property
    def name(self) -> str:
        """The untranslated name of the picture (a msgid: translate it in the chat's language)."""
        return PICTURES[self.picture]


def new_challenge(rng: Random | None = None) -> Challenge:
    """A fresh challenge. Tokens come from `secrets` even when a seeded rng (tests) picks the pictures."""
    rng = rng or Random(secrets.randbits(64))
    pictures = rng.sample(sorted(PICTURES), OPTIONS_PER_CHALLENGE)
    picture = pictures[0]
    rng.shuffle(pictures)
    tokens: set[str] = set()
    options = []
    for emoji in pictures:
        token = secrets.token_hex(TOKEN_BYTES)
        while token in tokens:  # pragma: no cover - one in sixteen million
            token = secrets.token_hex(TOKEN_BYTES)
        tokens.add(token)
        options.append((token, emoji))
    answer = next(token for token, emoji in options if emoji == picture)
    return Challenge(answer=answer, picture=picture, options=tuple(options))
