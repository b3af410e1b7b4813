"""Build the Docker image and check it as a deployment would use it, against a loopback Bot API server.

    python scripts/docker_smoke.py [--image relocation-bot:smoke] [--no-build]

Needs a running Docker engine (the test suite does not: CI machines have none). The containers use the host's
network, so the image talks to the stand-in Bot API server from tests/botapi.py on 127.0.0.1; nothing leaves the
machine. Checked:

- the image runs as uid 10001, without pip or a compiler, with the code read-only and /data writable;
- the bot runs as docker-compose.yml runs it (a read-only root file system, no new privileges);
- polling: the bot answers /start and a button press, `python -m bot healthcheck` passes, `docker stop` ends it
  with exit code 0, and after a restart on the same volume the bot still knows the person's language;
- webhook mode: the bot registers its webhook with the secret, refuses a wrong secret (401), answers a real
  update, serves /healthz, passes the health check, and stops cleanly;
- the token appears in no log line.

Prints one line per check and exits 1 if any failed.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from tests.botapi import FakeBotAPI  # noqa: E402

TOKEN = "123456789:AAE-docker-smoke-token-abcdefghijk"
SECRET = "smoke_Secret-token"
USER = {"id": 4242, "is_bot": False, "first_name": "Dana", "language_code": "en"}
failures: list[str] = []


def check(ok: bool, what: str) -> bool:
    print(f"  {'ok  ' if ok else 'FAIL'} {what}")
    if not ok:
        failures.append(what)
    return ok


def docker(*args: str, timeout: float = 120, check_rc: bool = False) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)
    if check_rc and result.returncode != 0:
        raise RuntimeError(f"docker {args[0]} failed: {result.stderr.strip()[-500:]}")
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(image: str, name: str, volume: str, api: FakeBotAPI, *command: str, **env: str) -> None:
    settings = {"BOT_TOKEN": TOKEN, "BOT_API_URL": api.url, "DEFAULT_LANGUAGE": "en", **env}
    flags = [arg for key, value in settings.items() for arg in ("-e", f"{key}={value}")]
    # As docker-compose.yml runs it: a read-only root file system, /tmp in memory, no new privileges.
    hardening = ["--read-only", "--tmpfs", "/tmp", "--security-opt", "no-new-privileges:true"]
    docker("run", "-d", "--name", name, "--network", "host", "-v", f"{volume}:/data", *hardening, *flags, image,
           *command, check_rc=True)  # fmt: skip


def stop(name: str) -> tuple[int, str]:
    """`docker stop` (SIGTERM, as `docker compose down` sends); the exit code and the container's log."""
    docker("stop", "-t", "30", name, timeout=60)
    code = docker("inspect", "--format", "{{.State.ExitCode}}", name).stdout.strip()
    logs = docker("logs", name)
    docker("rm", "-f", name)
    return int(code or -1), logs.stdout + logs.stderr


def image_checks(image: str) -> None:
    print("image")
    check(docker("run", "--rm", image, "id", "-u").stdout.strip() == "10001", "runs as uid 10001")
    tools = docker("run", "--rm", image, "sh", "-c", "python -m pip --version || which gcc cc || echo none")
    check(tools.stdout.strip().endswith("none"), "no pip and no compiler in the final image")
    probe = "touch /app/bot/x 2>/dev/null && echo code-writable; touch /data/x && echo data-writable"
    check(docker("run", "--rm", image, "sh", "-c", probe).stdout.split() == ["data-writable"],
          "code read-only for the bot, /data writable")  # fmt: skip
    content = docker("run", "--rm", image, "python", "-m", "bot", "content", "check")
    check(content.returncode == 0 and " 0 errors" in content.stdout, "the guides in the image pass the content check")


async def polling(image: str, volume: str) -> None:
    print("polling")
    api = FakeBotAPI(TOKEN)
    await api.start()
    name = f"smoke-{uuid.uuid4().hex[:8]}"
    try:
        start(image, name, volume, api)
        await api.wait_for("getUpdates", timeout=60)
        await api.push_text(USER, "/start")
        i, sent = await api.wait_for("sendMessage")
        check("Choose your language" in sent.params["text"], "answers /start")
        await api.press(USER, sent.result, "English")
        i, edited = await api.wait_for("editMessageText", after=i)
        check(edited.params["text"].startswith("👋 Hello!"), "answers a button press")
        health = docker("exec", name, "python", "-m", "bot", "healthcheck")
        check(health.returncode == 0, "python -m bot healthcheck passes")
        code, logs = stop(name)
        check(code == 0, "docker stop: exit code 0")
        check(TOKEN not in logs and TOKEN.split(":")[1] not in logs, "the token is in no log line")

        start(image, name, volume, api)  # the same volume: the database survived
        after = len(api.calls)
        await api.push_text(USER, "/start")
        _, again = await api.wait_for("sendMessage", after=after)
        check(again.params["text"].startswith("👋 Hello!"), "after a restart on the same volume, the language is kept")
        stop(name)
    finally:
        docker("rm", "-f", name)
        await api.stop()


async def webhook(image: str, volume: str) -> None:
    print("webhook")
    api = FakeBotAPI(TOKEN)
    await api.start()
    port = free_port()
    name = f"smoke-{uuid.uuid4().hex[:8]}"
    env = {"WEBHOOK_URL": "https://bot.example.org/tg/hook", "WEBHOOK_SECRET": SECRET, "WEBHOOK_HOST": "127.0.0.1",
           "WEBHOOK_PORT": str(port)}  # fmt: skip
    try:
        start(image, name, volume, api, "python", "-m", "bot", "run", "--webhook", **env)
        _, registered = await api.wait_for("setWebhook", timeout=60)
        check(registered.params.get("secret_token") == SECRET, "registers the webhook with the secret")
        base = f"http://127.0.0.1:{port}"
        body = update("/emergency")
        async with aiohttp.ClientSession() as http:
            await wait_until_up(http, f"{base}/healthz")
            async with http.post(f"{base}/tg/hook", json=body, headers={"X-Telegram-Bot-Api-Secret-Token": "no"}) as r:
                check(r.status == 401, "a wrong secret gets 401")
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            async with http.post(f"{base}/tg/hook", json=body, headers=headers) as response:
                check(response.status == 200, "a real update gets 200")
            async with http.get(f"{base}/healthz") as response:
                check(response.status == 200, "/healthz answers 200")
        _, sent = await api.wait_for("sendMessage")
        check(int(sent.params["chat_id"]) == USER["id"], "answers the update it received")
        health = docker("exec", name, "python", "-m", "bot", "healthcheck")
        check(health.returncode == 0, "python -m bot healthcheck passes (through /healthz)")
        code, logs = stop(name)
        check(code == 0, "docker stop: exit code 0")
        check(TOKEN.split(":")[1] not in logs and SECRET not in logs, "neither the token nor the secret is logged")
    finally:
        docker("rm", "-f", name)
        await api.stop()


def update(text: str) -> dict[str, Any]:
    message = {"message_id": 1, "date": int(time.time()), "text": text, "from": USER,
               "chat": {"id": USER["id"], "type": "private", "first_name": "Dana"},
               "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}]}  # fmt: skip
    return {"update_id": 1, "message": message}


async def wait_until_up(http: aiohttp.ClientSession, url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            async with http.get(url) as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} did not answer")
        await asyncio.sleep(0.5)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--image", default="relocation-bot:smoke")
    parser.add_argument("--no-build", action="store_true", help="use the image as it is")
    args = parser.parse_args(argv)
    if docker("info").returncode != 0:
        print("no Docker engine answers: start one (dockerd) and try again", file=sys.stderr)
        return 2
    if not args.no_build:
        print(f"building {args.image}")
        docker("build", "-t", args.image, str(ROOT), timeout=1800, check_rc=True)
    volume = f"smoke-{uuid.uuid4().hex[:8]}"
    docker("volume", "create", volume, check_rc=True)
    try:
        image_checks(args.image)
        asyncio.run(polling(args.image, volume))
        asyncio.run(webhook(args.image, volume))
    finally:
        docker("volume", "rm", "-f", volume)
    print(f"{len(failures)} failed" if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
