"""Telegram's limits, each in one place.

Values come from the Bot API documentation; code that needs a limit imports it from here instead of
repeating the number.
"""

# sendMessage / editMessageText: text length after entity parsing, in UTF-16 code units.
MESSAGE_MAX_UTF16 = 4096
# Captions of media messages, in UTF-16 code units.
CAPTION_MAX_UTF16 = 1024
# Telegram shows at most about 100 formatting entities in one message; we stay strictly below.
MESSAGE_MAX_ENTITIES = 100
# callback_data of an inline button, in bytes.
CALLBACK_DATA_MAX_BYTES = 64
# Inline query text and the number of results one answer may carry.
INLINE_QUERY_MAX_CHARS = 256
INLINE_QUERY_MAX_RESULTS = 50
# Payload of t.me/<bot>?start=<payload>: 1-64 characters of A-Za-z0-9_-.
DEEP_LINK_PAYLOAD_MAX = 64
# Text of a bot command's description in setMyCommands.
COMMAND_DESCRIPTION_MAX = 256
# Anonymous group admins post as this bot, with sender_chat set to the group.
GROUP_ANONYMOUS_BOT_ID = 1087968824
