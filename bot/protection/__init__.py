"""Automatic protection for group chats: the pure core (no Telegram types, no I/O).

check_message() judges one message; FloodTracker and RepeatTracker keep the little state the judgement needs;
ProtectionConfig is a chat's settings; find_pii() finds personal data; bot.protection.spamcheck is the admin CLI.
"""

from bot.protection.config import DEFAULT, DEFAULT_ALLOWED_DOMAINS, FloodLimit, ProtectionConfig
from bot.protection.flood import FloodTracker, RepeatTracker
from bot.protection.pii import PiiMatch, find_pii, is_card_number, is_valid_iin
from bot.protection.verdict import Verdict, check_message

__all__ = [
    "DEFAULT",
    "DEFAULT_ALLOWED_DOMAINS",
    "FloodLimit",
    "FloodTracker",
    "PiiMatch",
    "ProtectionConfig",
    "RepeatTracker",
    "Verdict",
    "check_message",
    "find_pii",
    "is_card_number",
    "is_valid_iin",
]
