"""The edges: atomic_write respects what is at the path, secrets are redacted, an internal error
exits 4 with one line, and hidden characters never survive cleaning."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dsos_check.atomic import atomic_write
from dsos_check.guard import run_guarded
from dsos_check.redact import redact, redact_utf8, remember_secret
from dsos_check.text import clean, encodable, one_line, shorten, visible

HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs"}


# --------------------------------------------------------------------------- atomic_write


def test_a_new_file_gets_ordinary_permissions(tmp_path: Path) -> None:
    target = tmp_path / "new.txt"
    umask = os.umask(0o022)
    try:
        atomic_write(target, "hello")
    finally:
        os.umask(umask)
    assert target.read_text() == "hello"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["new.txt"]  # no temp file left


def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "secret.txt"
    target.write_text("old")
    target.chmod(0o600)
    atomic_write(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_symlink_stays_a_link_and_its_target_is_replaced(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    atomic_write(link, "new")
    assert link.is_symlink()
    assert real.read_text() == "new"


def test_a_fifo_is_written_through(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    atomic_write(fifo, "through the pipe")
    reader.join(timeout=10)
    assert received == [b"through the pipe"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="making a character device needs root")
def test_a_character_device_is_written_through(tmp_path: Path) -> None:
    device = tmp_path / "null"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    atomic_write(device, "gone")
    assert stat.S_ISCHR(os.lstat(device).st_mode)


@pytest.mark.parametrize("redirect", ["pipe", "file"])
def test_dev_stdout_receives_the_text(tmp_path: Path, redirect: str) -> None:
    code = "from dsos_check.atomic import atomic_write; atomic_write('/dev/stdout', 'to stdout')"
    if redirect == "pipe":
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
        assert done.stdout == b"to stdout"
        return
    out = tmp_path / "out.txt"
    with out.open("wb") as handle:
        subprocess.run([sys.executable, "-c", code], stdout=handle, check=True)
    assert out.read_bytes() == b"to stdout"
    assert os.path.islink("/dev/stdout")


# --------------------------------------------------------------------------- redaction


def test_every_form_of_a_secret_is_redacted() -> None:
    secret = 's3cr&t/+"value'
    remember_secret(secret)
    for form in (secret, "s3cr%26t%2F%2B%22value", "s3cr&amp;t/+&quot;value", 's3cr&t/+\\"value'):
        assert redact(f"echo: {form}!") == "echo: ***!"
    remember_secret("short")  # too short to be a token: left alone
    assert redact("short") == "short"


@given(st.text(max_size=30), st.text(st.characters(codec="utf-8"), min_size=6, max_size=12))
def test_utf8_redaction_finds_what_text_redaction_finds(around: str, secret: str) -> None:
    remember_secret(secret)
    remember_secret(secret[:-1] + "é€")  # an overlapping form, longer in UTF-8 than in text
    text = f"{around}{secret}{around}é€{secret[:-1]}"
    assert redact_utf8(encodable(text).encode()) == encodable(redact(text)).encode()


# --------------------------------------------------------------------------- the guard


def boom() -> None:
    raise RuntimeError("kaput with tok_GUARDED_SECRET")


def test_an_internal_error_exits_4_with_one_redacted_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    remember_secret("tok_GUARDED_SECRET")
    with pytest.raises(SystemExit) as exited:
        run_guarded(boom, ["acme"])
    assert exited.value.code == 4
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "RuntimeError" in err
    assert "Traceback" not in err
    assert "tok_GUARDED_SECRET" not in err


def test_verbose_shows_the_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run_guarded(boom, ["-qv", "acme"])
    assert "Traceback" in capsys.readouterr().err


def test_the_console_script_exits_4_on_a_bug() -> None:
    code = (
        "import dsos_check.cli as c\n"
        "def bug(*a, **k): raise KeyError('bug')\n"
        "c.app = bug\n"
        "c.main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code, "acme"], capture_output=True, text=True)
    assert done.returncode == 4
    assert "internal error (KeyError" in done.stderr
    assert "Traceback" not in done.stderr


# --------------------------------------------------------------------------- text

ANY_TEXT = st.text(st.characters(codec=None), max_size=80)


@given(ANY_TEXT)
def test_clean_leaves_no_hidden_character(text: str) -> None:
    for out in (clean(text), one_line(text), shorten(text, 20)):
        assert "\x1b" not in out
        hidden = {
            c for c in out if unicodedata.category(c) in HIDDEN_CATEGORIES and c not in "\t\n"
        }
        assert not hidden
        out.encode("utf-8")
    assert len(shorten(text, 20)) <= 20
    encodable(text).encode("utf-8")
    visible(text).encode("utf-8", "surrogatepass")


@pytest.mark.parametrize(
    "char",
    [
        "\u200b",
        "\u200c",
        "\u200d",
        "\u200e",
        "\u200f",
        "\u061c",
        "\u2028",
        "\u2029",
        "\u202a",
        "\u202e",
        "\u2066",
        "\u2069",
        "\ufeff",
        "\ud800",
        "\x85",
    ],
)
def test_each_listed_invisible_character_is_dropped(char: str) -> None:
    assert clean(f"a{char}b") in ("ab", "a b")
    assert visible(f"a{char}b") != f"a{char}b" or unicodedata.category(char) in ("Zl", "Zp")


def test_a_report_written_as_utf8_is_redacted_like_text(tmp_path: Path) -> None:
    import io

    from dsos_check.runner import write_report

    remember_secret("tok_WRITTEN_SECRET")
    report = '{"error": "echo tok_WRITTEN_SECRET é"}\n'
    written = tmp_path / "report.json"
    write_report(report.encode(), written, io.StringIO())
    assert written.read_bytes() == '{"error": "echo *** é"}\n'.encode()
    out = io.StringIO()
    write_report(report.encode(), None, out)
    assert out.getvalue() == '{"error": "echo *** é"}\n'
