import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import EXPECTED, ConfigError, load_settings

REPO = Path(__file__).resolve().parent.parent
TOKEN = "123456789:AAEabcdefghijklmnopqrstuvwxyz012345"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in EXPECTED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's folder


def test_defaults() -> None:
    s = load_settings()
    assert s.bot_api_url == "https://api.telegram.org"
    assert s.database_path == Path("data/bot.db")
    assert s.content_dir == Path("content")
    assert s.default_language == "ru"
    assert s.bot_owners == ()
    assert s.timezone == "Asia/Almaty"
    assert s.bot_token is None


def test_environment_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("BOT_API_URL", "http://127.0.0.1:8081/")
    monkeypatch.setenv("DATABASE_URL", "sqlite:////var/lib/bot/bot.db")
    monkeypatch.setenv("BOT_OWNERS", " 12, 34 ,56")
    monkeypatch.setenv("DEFAULT_LANGUAGE", "kk")
    s = load_settings()
    assert s.require_token() == TOKEN
    assert s.bot_api_url == "http://127.0.0.1:8081"
    assert s.database_path == Path("/var/lib/bot/bot.db")
    assert s.bot_owners == (12, 34, 56)
    assert s.default_language == "kk"
    assert TOKEN not in repr(s) and TOKEN not in str(s)


def test_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DEFAULT_LANGUAGE=en\nTIMEZONE=Asia/Aqtobe\n")
    s = load_settings()
    assert (s.default_language, s.timezone) == ("en", "Asia/Aqtobe")


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("BOT_TOKEN", "not-a-token", "BOT_TOKEN is invalid"),
        ("BOT_API_URL", "ftp://x", "BOT_API_URL is invalid"),
        ("DATABASE_URL", "postgres://db/x", "DATABASE_URL is invalid"),
        ("DEFAULT_LANGUAGE", "de", "DEFAULT_LANGUAGE is invalid: expected one of ru, kk, en"),
        ("BOT_OWNERS", "12,abc", "BOT_OWNERS is invalid"),
        ("TIMEZONE", "Mars/Olympus", "TIMEZONE is invalid"),
    ],
)
def test_invalid_values_give_one_line(monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as info:
        load_settings()
    message = str(info.value)
    assert message.startswith(expected)
    assert "\n" not in message
    assert value not in message or name != "BOT_TOKEN"


def test_missing_token_is_named() -> None:
    with pytest.raises(ConfigError, match="BOT_TOKEN is not set"):
        load_settings().require_token()


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=60,
        check=False,
    )  # fmt: skip


def test_cli_bad_config_exits_2_with_one_line(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "BOT_TOKEN": "secret-but-malformed"}
    result = run_cli("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [f"configuration error: BOT_TOKEN is invalid: expected {EXPECTED['BOT_TOKEN']}"]
    assert "secret-but-malformed" not in result.stderr + result.stdout


def test_cli_missing_token(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)}
    result = run_cli(env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("configuration error: BOT_TOKEN is not set")
    assert "Traceback" not in result.stderr


def test_cli_help(tmp_path: Path) -> None:
    result = run_cli("--help", env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)}, cwd=tmp_path)
    assert result.returncode == 0
    assert "demo" in result.stdout and "run" in result.stdout


def test_cli_unusable_database_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(REPO),
        "BOT_TOKEN": TOKEN,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'file' / 'bot.db'}",
        "CONTENT_DIR": str(REPO / "content"),
    }
    result = run_cli("run", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("database error: cannot open database")
    assert "Traceback" not in result.stderr
