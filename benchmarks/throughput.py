"""Update throughput: the whole bot against bare aiogram, in one process, on one core.

    python benchmarks/throughput.py [--updates 20000] [--users 100000] [--seed 7] [--no-pin] [--profile FILE]

The bot is what `python -m bot run` builds (bot/app.py: services, every middleware and router, the real SQLite
database in a temporary file pre-filled with `--users` people). Bare aiogram is a Dispatcher with echo handlers
that make one Bot API call per update. Both are fed the same updates, one at a time through `feed_update`, in
turns of 500 (bare aiogram, then the bot, then the next 500: both meet the machine's faster and slower moments
alike), and talk to a recording session that answers every Bot API call at once (no HTTP): what is measured is
the bot's own work per update, not the network.

The mix, roughly what a busy deployment sees: private /start, questions typed in the private chat (search), button
presses on guide pages and menus (callback queries), group messages (protection filters, then automatic answers:
mostly chatter, some questions, a few spam messages that get deleted and recorded), and inline queries. Senders
are drawn from the pre-filled users, most from a set of regulars, as in real chats.

Reports updates/s for both, their ratio, p50/p99 latency per update, and the process's peak memory (max RSS).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import itertools
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncGenerator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bot.lazy_models  # noqa: E402

bot.lazy_models.install()  # before aiogram is imported, as `python -m bot` does (see bot/lazy_models.py)

from aiogram import Bot, Dispatcher, Router  # noqa: E402
from aiogram.client.session.base import BaseSession  # noqa: E402
from aiogram.methods import (  # noqa: E402
    EditMessageText,
    GetChatAdministrators,
    GetChatMember,
    GetMe,
    SendMessage,
    TelegramMethod,
)
from aiogram.types import (  # noqa: E402
    CallbackQuery,
    Chat,
    ChatMemberAdministrator,
    ChatMemberMember,
    ChatMemberOwner,
    InlineQuery,
    Message,
    MessageEntity,
    Update,
    User,
)

from bot.app import build_bot, build_dispatcher, build_services, in_memory, startup  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.housekeeping import flush_once  # noqa: E402
from handlers.callbacks import CategoryCB, GuideCB, MenuCB  # noqa: E402

TOKEN = "123456789:AAE-benchmark-token-abcdefghijklmnop"
BOT_USER = User(id=123456789, is_bot=True, first_name="Relocation Help", username="relocation_bench_bot")
GROUPS = (-1001000000001, -1001000000002, -1001000000003)
GROUP_OWNER = 1
DATE = 1_760_000_000

# Share of each kind of update in the mix.
MIX = {"start": 0.08, "question": 0.17, "button": 0.30, "group": 0.35, "inline": 0.10}
QUESTIONS = (
    "как получить ИИН",
    "где открыть счёт в банке иностранцу",
    "нужна ли регистрация по месту жительства",
    "что делать если задержала полиция",
    "how do I get a residence permit",
    "sim card without IIN",
    "ЖСН қалай алуға болады",
    "как перевести деньги из России",
    "how to see a doctor",
    "ищу квартиру в Алматы без посредников",
)
CHATTER = (
    "всем привет, кто-нибудь был сегодня в ЦОНе на Абая?",
    "спасибо, помогло!",
    "а во сколько открывается миграционка?",
    "we are meeting at 7 near the metro, join us",
    "подскажите хорошего стоматолога",
    "кто продаёт детское кресло?",
    "по ИИН: в ЦОН только лично, с паспортом и нотариальным переводом",
    "сегодня очереди огромные",
    "ok",
    "👍",
)
SPAM = (
    "💰 Заработок от 5000$ в неделю! Пиши в личку, без опыта 🚀🚀🚀",
    "Crypto investment 300% profit guaranteed, join t.me/+AbCdEfGhIjK",
)
INLINE = ("", "ИИН", "банк", "registration", "полиция", "виза")


class RecordingSession(BaseSession):
    """Answers every Bot API call at once with a plausible result, and counts the calls."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0
        self._ids = itertools.count(10_000)
        owner = ChatMemberOwner(user=User(id=GROUP_OWNER, is_bot=False, first_name="Owner"), is_anonymous=False)
        bot_admin = ChatMemberAdministrator(
            user=BOT_USER, can_be_edited=False, is_anonymous=False, can_manage_chat=True, can_delete_messages=True,
            can_manage_video_chats=False, can_restrict_members=True, can_promote_members=False,
            can_change_info=False, can_invite_users=True, can_post_stories=False, can_edit_stories=False,
            can_delete_stories=False, can_send_welcome_messages=False,
        )  # fmt: skip
        self.admins = [owner, bot_admin]

    async def close(self) -> None:
        return None

    async def stream_content(
        self, url: str, headers: dict[str, Any] | None = None, timeout: int = 30, chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:  # fmt: skip
        raise NotImplementedError
        yield b""  # pragma: no cover

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        self.calls += 1
        if isinstance(method, SendMessage | EditMessageText):
            chat_id = int(method.chat_id or 0)
            return Message(
                message_id=next(self._ids), date=DATE, chat=Chat(id=chat_id, type="private" if chat_id > 0 else
                "supergroup"), from_user=BOT_USER, text="…", reply_markup=method.reply_markup,
            )  # fmt: skip
        if isinstance(method, GetMe):
            return BOT_USER
        if isinstance(method, GetChatAdministrators):
            return self.admins
        if isinstance(method, GetChatMember):
            if method.user_id == BOT_USER.id:
                return self.admins[1]
            return ChatMemberMember(user=User(id=method.user_id, is_bot=False, first_name="Member"))
        return True  # answerCallbackQuery, answerInlineQuery, deleteMessage, restrictChatMember…


# -- the updates ------------------------------------------------------------------------------------------------------
def person(user_id: int, rng: random.Random) -> User:
    return User(id=user_id, is_bot=False, first_name="Member", language_code=rng.choice(("ru", "ru", "kk", "en")))


def make_updates(count: int, users: int, rng: random.Random) -> Iterator[Update]:
    """`count` updates, made one at a time (the benchmark should not hold them all in memory); senders: 80% from 5%
    of the users (the regulars), the rest from anyone."""
    regulars = max(1, users // 20)
    kinds = rng.choices(list(MIX), weights=list(MIX.values()), k=count)
    guides = [p.stem for p in sorted((ROOT / "content" / "ru").glob("*.md"))]
    categories = ("help", "legal", "first-steps", "stay", "life")
    for update_id, kind in enumerate(kinds, start=1):
        user_id = 1000 + (rng.randrange(regulars) if rng.random() < 0.8 else rng.randrange(users))
        user = person(user_id, rng)
        private = Chat(id=user_id, type="private", first_name="Member")
        if kind in ("start", "question"):
            text = "/start" if kind == "start" else rng.choice(QUESTIONS)
            entities = [MessageEntity(type="bot_command", offset=0, length=6)] if kind == "start" else None
            message = Message(message_id=update_id, date=DATE, chat=private, from_user=user, text=text,
                              entities=entities)  # fmt: skip
            yield Update(update_id=update_id, message=message)
        elif kind == "button":
            roll = rng.random()
            if roll < 0.6:
                data = GuideCB(slug=rng.choice(guides), page=rng.choice((0, 0, 0, 1))).pack()
            elif roll < 0.85:
                data = CategoryCB(category=rng.choice(categories)).pack()
            else:
                data = MenuCB(action=rng.choice(("guides", "home"))).pack()
            shown = Message(message_id=update_id, date=DATE, chat=private, from_user=BOT_USER, text="📚")
            query = CallbackQuery(id=str(update_id), from_user=user, chat_instance="ci", data=data, message=shown)
            yield Update(update_id=update_id, callback_query=query)
        elif kind == "group":
            roll = rng.random()
            text = rng.choice(SPAM if roll < 0.02 else QUESTIONS if roll < 0.2 else CHATTER)
            if roll >= 0.02:  # people rarely write the very same words (which protection treats as a repeat)
                text = f"{text} {rng.choice(CHATTER).split()[0]} {rng.randrange(1000)}"
            group = Chat(id=rng.choice(GROUPS), type="supergroup", title="Relocants")
            message = Message(message_id=update_id, date=DATE, chat=group, from_user=user, text=text)
            yield Update(update_id=update_id, message=message)
        else:
            query = InlineQuery(id=str(update_id), from_user=user, query=rng.choice(INLINE), offset="")
            yield Update(update_id=update_id, inline_query=query)


# -- the two dispatchers ----------------------------------------------------------------------------------------------
def bare_dispatcher() -> Dispatcher:
    router = Router()

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "…")

    @router.callback_query()
    async def press(query: CallbackQuery) -> None:
        await query.answer()

    @router.inline_query()
    async def inline(query: InlineQuery) -> None:
        await query.answer([])

    dp = Dispatcher()
    dp.include_router(router)
    return dp


async def prefill(db: Any, users: int, rng: random.Random) -> None:
    """`users` people who opened the bot before; yesterday was their last day, so today's first update of each
    changes it (kept in memory, written with the other deferred writes: see run_benchmark)."""
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    first = (date.today() - timedelta(days=200)).isoformat()
    languages = ("ru", "ru", "ru", "kk", "en", None)
    rows = [(1000 + i, rng.choice(languages), first, yesterday) for i in range(users)]
    await db.conn.executemany("INSERT INTO users (user_id, language, first_seen, last_seen) VALUES (?, ?, ?, ?)", rows)
    await db.conn.commit()


@dataclass
class Run:
    updates: int
    latencies: list[float]
    api_calls: int
    deferred: float = 0.0  # seconds spent writing what the updates left counted in memory (the bot's batches)

    @property
    def rate(self) -> float:
        """Updates per second of dispatcher time, and of the deferred writes (making the updates is not counted)."""
        return self.updates / (sum(self.latencies) + self.deferred)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


async def feed(
    dp: Dispatcher, bot: Bot, updates: Iterable[Update], session: RecordingSession, into: Run | None = None
) -> Run:
    """Feed the updates one at a time, timing each; added to `into` if given."""
    run = into if into is not None else Run(0, [], 0)
    calls = session.calls
    latencies = run.latencies
    clock = time.perf_counter
    for update in updates:
        t = clock()
        await dp.feed_update(bot, update)
        latencies.append(clock() - t)
    run.updates = len(latencies)
    run.api_calls += session.calls - calls
    return run


# Updates per round: each round goes to bare aiogram, then to the bot. A virtual machine's core runs faster at some
# moments than at others; fed in turns, both dispatchers meet the same moments, and their ratio holds still.
ROUND = 500


async def feed_in_turns(
    first: tuple[Dispatcher, Bot, RecordingSession],
    second: tuple[Dispatcher, Bot, RecordingSession],
    updates: Iterable[Update],
    profiler: cProfile.Profile | None = None,
) -> tuple[Run, Run]:
    """The same updates to both dispatchers, ROUND at a time, alternating; the profiler (if any) sees `second`."""
    runs = Run(0, [], 0), Run(0, [], 0)
    gc.collect()
    stream = iter(updates)
    (dp1, bot1, session1), (dp2, bot2, session2) = first, second
    while chunk := list(itertools.islice(stream, ROUND)):
        await feed(dp1, bot1, chunk, session1, into=runs[0])
        if profiler:
            profiler.enable()
        await feed(dp2, bot2, chunk, session2, into=runs[1])
        if profiler:
            profiler.disable()
    return runs


@dataclass
class Result:
    users: int
    bot: Run
    bare: Run
    max_rss_mb: float  # the process's peak resident memory (ru_maxrss is in kilobytes on Linux)
    baseline_mb: float  # resident memory after imports and start-up, before the users and the updates

    @property
    def ratio(self) -> float:
        return self.bot.rate / self.bare.rate


async def run_benchmark(updates: int, users: int, seed: int, workdir: Path, profile: Path | None = None) -> Result:
    rng = random.Random(seed)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{workdir / 'bench.db'}",
        content_dir=ROOT / "content",
    )
    services = build_services(settings)
    await startup(services)
    try:
        baseline_mb = rss_mb()
        await prefill(services.db, users, rng)

        warmup = list(make_updates(min(500, updates), users, random.Random(seed + 1)))

        session, bare_session = RecordingSession(), RecordingSession()
        bot = build_bot(settings, session=session, token=TOKEN)
        bare_bot = Bot(TOKEN, session=bare_session)
        dp, bare = build_dispatcher(services), bare_dispatcher()
        await feed(dp, bot, warmup, session)
        await feed(bare, bare_bot, warmup, bare_session)

        profiler = cProfile.Profile() if profile else None
        stream = make_updates(updates, users, random.Random(seed))
        bare_run, bot_run = await feed_in_turns((bare, bare_bot, bare_session), (dp, bot, session), stream, profiler)
        # The bot keeps some counts in memory and writes them in batches, every minute in a running bot (guide views,
        # unanswered questions, the days users were last seen): those writes are part of its work for these updates.
        start = time.perf_counter()
        if await flush_once(in_memory(services)):
            raise RuntimeError("writing the counts kept in memory failed")
        bot_run.deferred = time.perf_counter() - start
        if profiler:
            profiler.dump_stats(profile)  # type: ignore[arg-type]
    finally:
        await services.db.close()
    return Result(users, bot_run, bare_run, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, baseline_mb)


def report(result: Result) -> str:
    lines = [f"{result.bot.updates} updates (mix {', '.join(f'{k} {v:.0%}' for k, v in MIX.items())}), "
             f"{result.users:,} users in the database"]  # fmt: skip
    for name, run in (("bot", result.bot), ("bare aiogram", result.bare)):
        lines.append(
            f"  {name:<13} {run.rate:8,.0f} updates/s   p50 {run.percentile(50):.3f} ms   "
            f"p99 {run.percentile(99):.3f} ms   ({run.api_calls / run.updates:.2f} API calls per update)"
            + (f", {run.deferred * 1000:.0f} ms of batched writes" if run.deferred else "")
        )
    lines.append(f"  ratio         {result.ratio:8.2f}   target >= 0.5")
    lines.append(f"  p99           {result.bot.percentile(99):8.3f} ms   target < 5 ms")
    lines.append(
        f"  peak memory   {result.max_rss_mb:8.1f} MB   target < 150 MB (max RSS of the process; "
        f"{result.baseline_mb:.0f} MB after imports and start-up, before the users and the updates)"
    )
    floor = aiogram_import_mb()
    if floor is not None:
        lines.append(
            f"  for scale     {floor:8.1f} MB   a fresh process that imports aiogram as usual, building all its models "
            "at once (the bot builds them on demand: bot/lazy_models.py)"
        )
    return "\n".join(lines)


def aiogram_import_mb() -> float | None:
    """Peak memory of a process that imports aiogram the usual way and nothing else."""
    # VmHWM, not ru_maxrss: a child's ru_maxrss can count the pages of the big parent it was forked from.
    code = "import aiogram.types; print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))"
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return int(out.stdout.strip()) / 1024


def rss_mb() -> float:
    """Resident memory now (Linux /proc), in MB; the peak if /proc is not there."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=20_000)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-pin", action="store_true", help="do not pin the process to one CPU core")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the bot's run to this file")
    args = parser.parse_args(argv)
    if not args.no_pin and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, threads included (aiosqlite's)
    with tempfile.TemporaryDirectory() as tmp:
        result = asyncio.run(run_benchmark(args.updates, args.users, args.seed, Path(tmp), args.profile))
    print(report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
