"""The `N_` marker: a string to translate later, where it is shown (core code runs without a locale)."""


def N_(message: str) -> str:
    return message
