"""Helpers for tests: a tree writer, a file editor and the minimal valid catalog."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

CASES = Path(__file__).parent / "cases"
VALIDATE_CASES = CASES / "validate"
#: The minimal valid catalog: every kind, all 7 muatan, all 6 dimensions, all 3 pillars.
MINIMAL = VALIDATE_CASES / "valid" / "minimal" / "catalog"
#: Files and documents in MINIMAL (metadata and referensi count), as the summary line counts them.
MINIMAL_FILES = 24
MINIMAL_ENTITIES = 27


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``{"opd/x.yaml": "..."}`` under ``root`` (text as UTF-8, bytes as they are)."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="\n")
    return root


def add_prose(catalog: Path, sections: Mapping[str, str], texts: Mapping[str, str]) -> None:
    """Name prose files in a catalog's ``metadata.yaml`` (``prosa``) and write them."""
    with (catalog / "metadata.yaml").open("a", encoding="utf-8") as metadata:
        metadata.write("prosa:\n" + "".join(f"  {s}: {p}\n" for s, p in sections.items()))
    write_tree(catalog, texts)


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in the file at ``path`` by ``new``; ``old`` must be there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8", newline="\n")


def add_evidence(root: Path) -> Path:
    """Give a copy of MINIMAL references outside the elements' fields, which every reader of
    references must see: a self-assessment ``em.yaml`` (EM) whose ``penilaian[1].bukti`` names
    LAY-01 and DISKOMINFO (line 8, columns 13 and 21), and a Dewan Smart City in the metadata
    whose ``opd_anggota`` names DISKOMINFO (line 28, column 17)."""
    meta = root / "metadata.yaml"
    dewan = "tata_kelola:\n  uraian: Dewan Smart City.\n  opd_anggota: [DISKOMINFO]\n"
    meta.write_text(meta.read_text(encoding="utf-8") + dewan, encoding="utf-8", newline="\n")
    evaluation = (
        "entitas: evaluasi_mandiri\nid: EM\nkerangka: spbe_59_2020\ntahun: 2025\npenilaian:\n"
        "  - indikator: 3\n  - indikator: 42\n    bukti: [LAY-01, DISKOMINFO]\n"
    )
    return write_tree(root, {"em.yaml": evaluation})


def copy_minimal(dest: Path) -> Path:
    """Copy the minimal valid catalog to ``dest`` (which must not exist yet)."""
    shutil.copytree(MINIMAL, dest, symlinks=True)
    return dest


def git(repo: Path, *args: str) -> None:
    """Run git in ``repo`` with a fixed author, failing the test on error."""
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def png(width: int, height: int) -> bytes:
    """A whole PNG of the given size (grey pixels), made without an image library."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def isolate_git(monkeypatch: Any, root: Path, who: tuple[str, str] | None = None) -> None:
    """Run git as on a fresh machine: no GIT_* of the caller, no system or user config, and no
    repository found above ``root``; ``who`` (name, email) authors and commits."""
    import os

    for name in list(os.environ):
        if name.startswith("GIT_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(root))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(root))
    if who is not None:
        for role in ("AUTHOR", "COMMITTER"):
            monkeypatch.setenv(f"GIT_{role}_NAME", who[0])
            monkeypatch.setenv(f"GIT_{role}_EMAIL", who[1])


def bench_generator() -> Any:
    """``bench/generate.py`` (the bench's catalog generator) as a module."""
    where = Path(__file__).resolve().parent.parent / "bench" / "generate.py"
    spec = importlib.util.spec_from_file_location("bench_generate", where)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def no_child_left() -> None:
    """Fail if this process has a child not waited for (a forked child left behind)."""
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return
    raise AssertionError("a forked child was left behind")
