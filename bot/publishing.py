"""Publishing volunteers' guide revisions: drafts, the second pair of eyes for legal guides, conflicts, reloads.

Rules (issue #8):
- a draft remembers the text it was based on; if another publish landed meanwhile, publishing it is a conflict:
  the draft is kept with status `conflict` and nothing else changes;
- a change to a legal guide (legal in the new text, or in any language of the guide in force) is published only
  after another volunteer approves it; its author can never approve it;
- the first publish over a file of content/ also stores that file's text as a revision, so a rollback can always
  return to it;
- every step is written to the content audit log.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from bot.guides import LEGAL_DISCLAIMER, parse_guide
from bot.i18n import Translations
from bot.library import Library
from bot.overlay import GuideText, Key, ReloadResult
from bot.storage.revisions import (
    CANCELLED,
    CONFLICT,
    FILE_AUTHOR,
    PENDING,
    PUBLISHED,
    REJECTED,
    REVIEW,
    SUPERSEDED,
    Revision,
    RevisionRepository,
    text_hash,
)

log = logging.getLogger(__name__)


def disclaimer_checker(i18n: Translations) -> Callable[[str], str]:
    """The validator's check that the legal disclaimer exists in a language (as `content check` does it)."""

    def disclaimer(lang: str) -> str:
        text = i18n.gettext(LEGAL_DISCLAIMER, locale=lang)
        return "" if lang != "en" and text == LEGAL_DISCLAIMER else text

    return disclaimer


@dataclass(frozen=True)
class Outcome:
    """What a step did. kind: published | review | conflict | rejected | cancelled | gone (no longer open) | own."""

    kind: str
    revision: Revision


class Publisher:
    def __init__(
        self,
        revisions: RevisionRepository,
        library: Library,
        *,
        tz: tzinfo,
        disclaimer: Callable[[str], str] | None = None,
    ) -> None:
        self.revisions = revisions
        self.library = library
        self.tz = tz
        self.disclaimer = disclaimer
        # One publish at a time: the conflict check and the swap must not interleave with another publish.
        self._lock = asyncio.Lock()

    def today(self) -> date:
        return datetime.now(self.tz).date()

    def current(self, slug: str, lang: str) -> GuideText | None:
        return self.library.texts.get((slug, lang))

    def is_legal(self, revision: Revision) -> bool:
        guide, _problems = parse_guide(revision.text, slug=revision.slug, lang=revision.lang)
        if guide is not None and guide.legal:
            return True
        return any(g.legal for g in self.library.catalogue.guides.get(revision.slug, {}).values())

    async def create_draft(
        self, author_id: int, slug: str, lang: str, text: str, *, rollback_of: int | None = None
    ) -> Revision:
        base = self.current(slug, lang)
        revision = await self.revisions.add(
            slug=slug,
            lang=lang,
            author_id=author_id,
            text=text,
            base_revision=base.revision if base else None,
            base_hash=text_hash(base.text if base else None),
            rollback_of=rollback_of,
        )
        action = "rollback" if rollback_of else "upload"
        await self.revisions.audit(author_id, action, slug=slug, lang=lang, revision=revision.id)
        return revision

    async def submit(self, revision_id: int, actor_id: int) -> Outcome | None:
        """The author pressed Publish (or Send for review). None: no such revision."""
        revision = await self.revisions.get(revision_id)
        if revision is None:
            return None
        if revision.author_id != actor_id or revision.status != PENDING:
            return Outcome("gone", revision)
        if self.is_legal(revision):
            if not await self.revisions.set_status(revision.id, REVIEW, expected=(PENDING,)):
                return Outcome("gone", revision)
            await self.revisions.audit(actor_id, "send_review", slug=revision.slug, lang=revision.lang,
                                       revision=revision.id)  # fmt: skip
            return Outcome("review", revision)
        return await self._publish(revision, approved_by=None, expected=(PENDING,), actor_id=actor_id)

    async def approve(self, revision_id: int, reviewer_id: int) -> Outcome | None:
        revision = await self.revisions.get(revision_id)
        if revision is None:
            return None
        if revision.status != REVIEW:
            return Outcome("gone", revision)
        if revision.author_id == reviewer_id:
            return Outcome("own", revision)
        return await self._publish(revision, approved_by=reviewer_id, expected=(REVIEW,), actor_id=reviewer_id)

    async def reject(self, revision_id: int, reviewer_id: int) -> Outcome | None:
        revision = await self.revisions.get(revision_id)
        if revision is None:
            return None
        if revision.author_id == reviewer_id:
            # An author withdrawing their own change under review is a cancel, not a review.
            return await self.cancel(revision_id, reviewer_id)
        if not await self.revisions.set_status(revision.id, REJECTED, expected=(REVIEW,)):
            return Outcome("gone", revision)
        await self.revisions.audit(reviewer_id, "reject", slug=revision.slug, lang=revision.lang, revision=revision.id)
        return Outcome("rejected", revision)

    async def cancel(self, revision_id: int, actor_id: int) -> Outcome | None:
        revision = await self.revisions.get(revision_id)
        if revision is None:
            return None
        if revision.author_id != actor_id or not await self.revisions.set_status(
            revision.id, CANCELLED, expected=(PENDING, REVIEW)
        ):
            return Outcome("gone", revision)
        await self.revisions.audit(actor_id, "cancel", slug=revision.slug, lang=revision.lang, revision=revision.id)
        return Outcome("cancelled", revision)

    async def _publish(
        self, revision: Revision, *, approved_by: int | None, expected: tuple[str, ...], actor_id: int
    ) -> Outcome:
        async with self._lock:
            current = self.current(revision.slug, revision.lang)
            if text_hash(current.text if current else None) != revision.base_hash:
                # Someone else's publish (or a reload) changed this guide since the draft was made: keep the text.
                await self.revisions.set_status(revision.id, CONFLICT, expected=expected)
                await self.revisions.audit(actor_id, "conflict", slug=revision.slug, lang=revision.lang,
                                           revision=revision.id)  # fmt: skip
                return Outcome("conflict", revision)
            if current is not None and current.revision is None and current.text is not None:
                # The first publish over a file: keep the file's text as a revision too, so it can be restored.
                await self.revisions.add(slug=revision.slug, lang=revision.lang, author_id=FILE_AUTHOR,
                                         text=current.text, base_revision=None, base_hash="",
                                         status=SUPERSEDED)  # fmt: skip
            if not await self.revisions.publish(revision.id, approved_by=approved_by, expected=expected):
                return Outcome("gone", revision)
            source = GuideText(
                revision.slug,
                revision.lang,
                revision.text,
                f"{revision.lang}/{revision.slug}.md (revision {revision.id})",
                revision.id,
            )
            problems = self.library.put(source)
            if any(p.is_error for p in problems):  # validated before; only a changed validator gets here
                log.error("published revision %d does not parse; it stays stored but is not shown", revision.id)
            action = "approve" if approved_by is not None else "publish"
            await self.revisions.audit(actor_id, action, slug=revision.slug, lang=revision.lang, revision=revision.id)
            published = await self.revisions.get(revision.id)
            assert published is not None and published.status == PUBLISHED
            return Outcome("published", published)

    async def reload(self, actor_id: int | None = None) -> ReloadResult:
        """Re-read content/ and the published revisions; validate everything before swapping (/reload, SIGHUP)."""
        async with self._lock:
            published = await self.revisions.published()
            texts: dict[Key, tuple[int, str]] = {key: (r.id, r.text) for key, r in published.items()}
            result = self.library.reload(texts, today=self.today(), disclaimer=self.disclaimer)
        if actor_id is not None:
            await self.revisions.audit(actor_id, "reload")
        log.info(
            "content reloaded: %d guides, %d errors, %d kept at their previous version",
            len(result.result.catalogue),
            len(result.errors),
            len(result.kept),
        )
        return result


async def load_published(revisions: RevisionRepository) -> dict[Key, tuple[int, str]]:
    return {key: (r.id, r.text) for key, r in (await revisions.published()).items()}
