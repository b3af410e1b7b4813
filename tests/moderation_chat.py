"""A group with admins, as Telegram would describe it to the bot, for moderation tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiogram.methods import GetChatAdministrators, GetChatMember
from aiogram.types import ChatMemberAdministrator, ChatMemberMember, ChatMemberOwner, User

from bot.standin import StandInSession

GROUP = -1001234567890
OTHER_GROUP = -1009876543210
LOG_GROUP = -1005555555555


def admin_member(user_id: int, *, restrict: bool = True, delete: bool = True, anonymous: bool = False,
                 is_bot: bool = False) -> ChatMemberAdministrator:  # fmt: skip
    return ChatMemberAdministrator(
        user=User(id=user_id, is_bot=is_bot, first_name=f"Admin{user_id}"),
        can_be_edited=False, is_anonymous=anonymous, can_manage_chat=True, can_delete_messages=delete,
        can_manage_video_chats=False, can_restrict_members=restrict, can_promote_members=False,
        can_change_info=False, can_invite_users=True, can_post_stories=False, can_edit_stories=False,
        can_delete_stories=False, can_send_welcome_messages=False,
    )  # fmt: skip


@dataclass
class Chats:
    """Admins per chat (owner id 1 everywhere) and the bot's own rights; answers the stand-in's queries."""

    session: StandInSession
    admins: dict[int, dict[int, ChatMemberAdministrator]] = field(default_factory=dict)
    bot_rights: dict[int, ChatMemberAdministrator | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.session.on(GetChatAdministrators, self._administrators)
        self.session.on(GetChatMember, self._member)

    def add(self, chat_id: int, *admins: ChatMemberAdministrator, bot: bool = True, bot_restrict: bool = True) -> None:
        self.admins[chat_id] = {a.user.id: a for a in admins}
        bot_id = self.session.bot_user.id
        self.bot_rights[chat_id] = admin_member(bot_id, restrict=bot_restrict, is_bot=True) if bot else None

    def _administrators(self, method: GetChatAdministrators) -> list:  # type: ignore[type-arg]
        chat_id = int(method.chat_id)
        members: list = [ChatMemberOwner(user=User(id=1, is_bot=False, first_name="Owner"), is_anonymous=False)]  # type: ignore[type-arg]
        members += list(self.admins.get(chat_id, {}).values())
        if self.bot_rights.get(chat_id):
            members.append(self.bot_rights[chat_id])
        return members

    def _member(self, method: GetChatMember):  # type: ignore[no-untyped-def]
        chat_id = int(method.chat_id)
        if method.user_id == self.session.bot_user.id:
            rights = self.bot_rights.get(chat_id)
            if rights is not None:
                return rights
        if method.user_id in self.admins.get(chat_id, {}):
            return self.admins[chat_id][method.user_id]
        return ChatMemberMember(user=User(id=method.user_id, is_bot=False, first_name="Member"))
