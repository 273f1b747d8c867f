"""The content cache: same results as no cache, and hostile entries are misses, never crashes."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from spbe_cli import cache, cachestate
from spbe_cli.cache import ContentCache, default_folder
from spbe_cli.loader import load_catalog
from spbe_cli.parsing import ParsedFile, parse_bytes, to_json
from spbe_cli.report import format_json
from spbe_cli.validate import validate_catalog
from tests.helpers import copy_minimal, write_tree

BAD_PROGRAM = """entitas: program
id: SC-90
nama: "[ISI nama]"
dimensi: economy
elemen: industry
opd_pj: DISKOMINFO
tahun_mulai: 2025
tahun_selesai: 2024
horizon: lama
nama: again
indikator: {}
"""


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SPBE_CACHE_DIR", str(folder))
    cachestate.set_enabled(True)
    yield folder
    cachestate.set_enabled(True)


def _report(root: Path, *, cached: bool) -> str:
    cachestate.set_enabled(cached)
    try:
        _, report = validate_catalog(root, "katalog")
    finally:
        cachestate.set_enabled(True)
    return format_json(report, "katalog")


def _recorded(root: Path) -> str:
    """What spbe validate prints with the cache on: a run recorded, or a record replayed."""
    from spbe_cli.validate import validate_report

    cachestate.set_enabled(True)
    return format_json(validate_report(root, "katalog"), "katalog")


def _records(folder: Path) -> list[Path]:
    return sorted(folder.glob("v*/runs/*.json"))


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("v*/*/*/*.json"))


def _catalog(tmp_path: Path) -> Path:
    root = copy_minimal(tmp_path / "catalog")
    write_tree(root, {"program/bad.yaml": BAD_PROGRAM, "program/syntax.yaml": "a: [1, 2\n"})
    return root


def test_warm_run_reads_every_file_from_the_cache(tmp_path: Path, cache_dir: Path) -> None:
    root = _catalog(tmp_path)
    uncached = _report(root, cached=False)
    assert not cache_dir.exists()  # --no-cache writes nothing
    cold = _report(root, cached=True)
    files = len(_entries(cache_dir))
    assert files > 20
    store = ContentCache(cache_dir)
    loader_catalog, _ = load_catalog(root)
    assert loader_catalog.files == files
    warm = _report(root, cached=True)
    assert uncached == cold == warm
    assert json.loads(warm)["findings"]  # the findings themselves come back from the cache
    for entry in _entries(cache_dir):
        data = entry.read_bytes()
        key = entry.stem
        assert data.startswith(b"spbe-cache 1 " + key.encode())
        assert store.get(key, 1 << 20) is not None


def test_the_cache_is_keyed_by_content_not_by_name(cache_dir: Path) -> None:
    store = ContentCache(cache_dir)
    data = b"entitas: opd\nid: A\n"
    assert store.key(data) == store.key(bytes(data))
    assert store.key(data) != store.key(data + b"\n")
    store.put(store.key(data), parse_bytes(data))
    assert store.get(store.key(data), len(data)) == parse_bytes(data)


def _one_entry(tmp_path: Path, cache_dir: Path) -> tuple[Path, Path, str]:
    """A catalog whose bad file has its cache entry written; returns (root, entry, good output)."""
    root = _catalog(tmp_path)
    good = _report(root, cached=False)
    _report(root, cached=True)
    store = ContentCache(cache_dir)
    key = store.key((root / "program" / "bad.yaml").read_bytes())
    entry = store.folder / key[:2] / f"{key}.json"
    assert entry.is_file()
    return root, entry, good


def _framed(key: str, payload: bytes, fingerprint: str | None = None) -> bytes:
    digest = hashlib.sha256(payload).hexdigest()
    fingerprint = fingerprint or ContentCache(Path("unused")).fingerprint.hex()
    return f"spbe-cache 1 {key} {fingerprint} {digest}\n".encode() + payload


def _bad_payloads(valid: list[object]) -> list[bytes]:
    """Payloads with a correct frame that are not what spbe writes."""
    value, positions, problems, placeholders, _end, _grouped = valid[1][0]  # type: ignore[index]
    wrong_value = json.loads(json.dumps(valid))
    wrong_value[1][0][0] = {"id": 5}  # an int the YAML builder never makes
    wrong_positions = json.loads(json.dumps(valid))
    wrong_positions[1][0][1] = [-1, {}, {}]
    unequal_keys = json.loads(json.dumps(valid))
    unequal_keys[1][0][1] = [1 << 24, {"a": 1 << 24}, {}]
    wrong_problem = json.loads(json.dumps(valid))
    wrong_problem[1][0][2] = [["SPBE004", "1", 1, "k", {}, 0]]
    # Well-shaped problems spbe never makes: each crashed the run (exit 3) or printed a finding
    # spbe does not have (an unfilled "{key}", a message key, a planted hint).
    (real,) = [p for p in valid[1][0][2] if p[0] == "SPBE004"]  # type: ignore[index]
    assert real[3] == "load.duplicate_key" and {"key", "first"} <= set(real[4])
    planted_problems = []
    for change in (
        {4: {**real[4], "related": "x"}},
        {4: {**real[4], "severity": "x"}},
        {4: {**real[4], "hint": "tanam"}},
        {4: {}},
        {0: "SPBE999"},
        {3: "no.such.message"},
    ):
        planted = json.loads(json.dumps(valid))
        planted[1][0][2] = [[change.get(i, part) for i, part in enumerate(real)]]
        planted_problems.append(json.dumps(planted).encode())
    wrong_grouped = json.loads(json.dumps(valid))
    wrong_grouped[1][0][5] = [[1, -1, "1.500"]]  # a text like 1.500 at no place
    del value, positions, problems, placeholders
    base = 1 << 24
    deep: list[object] = [base, None, [base], None]
    for _ in range(80):
        deep = [base, None, [base], [deep]]
    tables: list[object] = [
        [base, ["a"], [base], None],  # a key without its value position
        [base, None, [5], None],  # a position before line 1
        [base, None, [base], [7]],  # a scalar child with an entry
        [base, None, [base, base], [None]],  # children and items disagree
        [base, [1], [base, base], None],  # a key that is not text
        [base, None, [2**64], None],  # does not fit
        [base, None, ["x"], None],
        [base, None, [True], None],
        [base, {}, [], None],
        deep,
    ]
    # What the loader counts of a document lost to a YAML error: one text or a list of texts.
    salvaged: list[object] = [
        [[1, {"entitas": "opd", "id": None}]],
        [[1, {"entitas": ["opd"], "id": "X"}]],
        [[1, {"entitas": "opd", "id": "X", "urusan": {"a": "b"}}]],
        [[1, {"entitas": "opd", "id": "X", "urusan": ["a", None]}]],
        [[1, {"entitas": "opd", "id": "X", "urusan": [["a"]]}]],
        [[1, ["entitas", "opd"]]],
        [["1", {"entitas": "opd"}]],
    ]
    planted_salvaged = []
    for lost in salvaged:
        planted = json.loads(json.dumps(valid))
        planted[3] = lost
        planted_salvaged.append(json.dumps(planted).encode())
    planted_tables = []
    for table in tables:
        planted = json.loads(json.dumps(valid))
        planted[1][0][1] = table
        planted_tables.append(json.dumps(planted).encode())
    return [
        *planted_tables,
        *planted_salvaged,
        b"",
        b"null",
        b"[]",
        b"[[], [], 1, []]",
        b'{"a": 1}',
        b"[" * 100_000,
        b"[[], [[" + b"[" * 5000 + b"]" * 5000 + b", 1, [], []]], false]",
        b"\xff\xfe not json",
        json.dumps(wrong_value).encode(),
        json.dumps(wrong_positions).encode(),
        json.dumps(unequal_keys).encode(),
        json.dumps(wrong_problem).encode(),
        *planted_problems,
        json.dumps(wrong_grouped).encode(),
    ]


def test_hostile_entries_are_misses_and_are_rewritten(tmp_path: Path, cache_dir: Path) -> None:
    root, entry, good = _one_entry(tmp_path, cache_dir)
    original = entry.read_bytes()
    key = entry.stem
    valid = json.loads(original.partition(b"\n")[2])
    other_key = hashlib.sha256(b"another file").hexdigest()
    header, _, payload = original.partition(b"\n")
    cases = {
        "truncated": original[: len(original) // 2],
        "empty": b"",
        "header only": header,
        "corrupt byte": original[:-5] + b"X" + original[-4:],
        "foreign key": _framed(other_key, payload),
        "other spbe": _framed(key, payload, hashlib.sha256(b"another spbe").hexdigest()),
        "other format": original.replace(b"spbe-cache 1 ", b"spbe-cache 2 ", 1),
        "random bytes": os.urandom(4096),
        "pickle": b"\x80\x04\x95" + b"cos\nsystem\n(S'touch /tmp/pwned'\ntR." + b"\n",
    }
    for index, payload_bad in enumerate(_bad_payloads(valid)):
        cases[f"planted {index}"] = _framed(key, payload_bad)
    for name, content in cases.items():
        entry.write_bytes(content)
        assert _report(root, cached=True) == good, name
        assert entry.read_bytes() == original, f"{name}: not rewritten"


def test_an_entry_too_large_for_its_file_is_not_read(tmp_path: Path, cache_dir: Path) -> None:
    root, entry, good = _one_entry(tmp_path, cache_dir)
    original = entry.read_bytes()
    entry.write_bytes(original + b" " * (8 << 20))  # valid JSON padding, 8 MiB
    assert _report(root, cached=True) == good
    assert entry.read_bytes() == original


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")
def test_links_and_fifos_in_the_cache_are_not_opened(tmp_path: Path, cache_dir: Path) -> None:
    root, entry, good = _one_entry(tmp_path, cache_dir)
    original = entry.read_bytes()
    secret = tmp_path / "secret.json"
    secret.write_bytes(original)  # even a valid entry behind a link is not followed
    entry.unlink()
    entry.symlink_to(secret)
    assert _report(root, cached=True) == good
    assert not entry.is_symlink()
    assert entry.read_bytes() == original
    entry.unlink()
    os.mkfifo(entry)
    assert _report(root, cached=True) == good  # no hang: opened non-blocking, then refused
    assert entry.read_bytes() == original


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX only")
def test_a_folder_of_the_cache_others_can_write_is_made_private_and_emptied(
    tmp_path: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An older spbe made it so (umask 002): refused on every run, the cache was off for ever."""
    root = _catalog(tmp_path)
    good = _report(root, cached=False)
    cache_dir.mkdir()
    (cache_dir / "v1").mkdir()
    (cache_dir / "v1" / "planted").mkdir()  # anyone could have put it there
    (cache_dir / "v1" / "planted" / "x.json").write_text("{}")
    (cache_dir / "v1").chmod(0o777)
    capsys.readouterr()
    assert _report(root, cached=True) == good
    assert _report(root, cached=True) == good
    assert (cache_dir / "v1").stat().st_mode & 0o777 == 0o700
    assert not (cache_dir / "v1" / "planted").exists()
    assert _entries(cache_dir)
    said = capsys.readouterr().err
    assert said == (
        f"spbe: cache folder {cache_dir / 'v1'} could be written by other users (mode 0777, "
        "made by an older spbe); now only its owner can open it (0700), and what it held was "
        "removed, as it cannot be trusted.\n"
    )


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="POSIX, not root")
def test_a_read_only_cache_folder_only_costs_speed(tmp_path: Path, cache_dir: Path) -> None:
    root = _catalog(tmp_path)
    good = _report(root, cached=False)
    (cache_dir / "v1").mkdir(parents=True)
    (cache_dir / "v1").chmod(0o500)
    try:
        assert _report(root, cached=True) == good
    finally:
        (cache_dir / "v1").chmod(0o700)
    assert _entries(cache_dir) == []
    assert not list((cache_dir / "v1").iterdir())  # no temporary file left either


def test_a_cache_path_that_is_a_file_only_costs_speed(tmp_path: Path, cache_dir: Path) -> None:
    root = _catalog(tmp_path)
    good = _report(root, cached=False)
    cache_dir.write_text("not a folder")
    assert _report(root, cached=True) == good


def test_concurrent_writers_and_readers_never_see_half_an_entry(cache_dir: Path) -> None:
    data = BAD_PROGRAM.encode() * 1
    parsed = parse_bytes(data)
    store = ContentCache(cache_dir)
    key = store.key(data)
    seen: list[ParsedFile | None] = []
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for index in range(200):
                ContentCache(cache_dir).put(key, parsed, replace=index % 2 == 1)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def reader() -> None:
        try:
            reading = ContentCache(cache_dir)
            seen.extend(reading.get(key, len(data)) for _ in range(400))
            # However the threads were scheduled (a busy runner may run both readers first),
            # a read once the writers are done meets a whole entry.
            for thread in threads[:2]:
                thread.join()
            seen.append(reading.get(key, len(data)))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=f) for f in (writer, writer, reader, reader)]
    # Before any writer: a half-written entry (a run killed while writing) is a miss.
    (cache_dir / "v1" / key[:2]).mkdir(parents=True)
    (cache_dir / "v1" / key[:2] / f"{key}.json").write_bytes(b"spbe-cache 1 " + key.encode())
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert all(found is None or found == parsed for found in seen)
    assert any(found == parsed for found in seen)
    assert [p.name for p in (cache_dir / "v1" / key[:2]).iterdir()] == [f"{key}.json"]


def test_two_processes_on_one_cold_cache_agree(tmp_path: Path, cache_dir: Path) -> None:
    root = _catalog(tmp_path)
    command = [sys.executable, "-m", "spbe_cli", "validate", str(root), "--format", "json"]
    env = {**os.environ, "SPBE_CACHE_DIR": str(cache_dir), "SPBE_CACHE": "1"}
    plain = subprocess.run(
        [sys.executable, "-m", "spbe_cli", "--no-cache", *command[3:]],
        capture_output=True,
        env=env,
        check=False,
    )
    assert not cache_dir.exists()
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, env=env) for _ in range(2)]
    outputs = [run.communicate()[0] for run in runs]
    assert outputs == [plain.stdout, plain.stdout]
    assert _records(cache_dir)  # the first run of a catalog writes its record only
    again = subprocess.run(command, capture_output=True, env=env, check=False)
    assert again.stdout == plain.stdout


def test_spbe_no_cache_variable_turns_the_cache_off() -> None:
    assert default_folder({"SPBE_NO_CACHE": "1", "SPBE_CACHE_DIR": "/x"}) is None
    assert default_folder({"SPBE_NO_CACHE": "0", "SPBE_CACHE_DIR": "/x"}) == Path("/x")
    if sys.platform.startswith("linux"):
        assert default_folder({"XDG_CACHE_HOME": "/c"}) == Path("/c/spbe")


def test_parsed_files_round_trip_through_json() -> None:
    from spbe_cli.parsing import from_json

    for text in (BAD_PROGRAM, "", "# only a comment\n", "a: [1, 2\n", "---\na: 1\n---\n- x\n"):
        parsed = parse_bytes(text.encode())
        assert from_json(json.loads(json.dumps(to_json(parsed)))) == parsed
    parsed = parse_bytes(b"\xff\xfe")
    assert from_json(json.loads(json.dumps(to_json(parsed)))) == parsed


# -- property: a cached run prints exactly what an uncached run prints ---------------------------

SNIPPETS = [
    BAD_PROGRAM,
    "entitas: opd\nid: DISKOMINFO\nnama: Dinas Lain\nsingkatan: X\n",
    "entitas: opd\nid: OPD-BARU\nnama: Dinas Baru\nsingkatan: DB\n---\n"
    "entitas: opd\nid: opd-baru\n",
    "a: [1, 2\n",
    "entitas: aplikasi\nid: APP-9\nnama: TODO\nraa: RAA.99\n",
    'entitas: opd\nid: OPD-Z\nnama: "\\e"\n',
    "",
    "# komentar\n",
    "- a\n- b\n",
    "entitas: program\nid: SC-02\nnama: Salinan\n",
    "entitas: nope\n",
    "entitas: opd\nid: OPD-Y\nnama: A\nnama: B\nsingkatan: Y\n",
]

edits = st.lists(
    st.tuples(
        st.sampled_from(["program/sc-02.yaml", "opd/diskominfo.yaml", "extra/a.yaml", "b.yaml"]),
        st.one_of(
            st.sampled_from(SNIPPETS),
            st.builds(
                lambda s, i, c: s[:i] + c + s[i:],
                st.sampled_from(SNIPPETS),
                st.integers(0, 60),
                st.sampled_from([":", "\n", " ", "x", "'", "[", "\t"]),
            ),
            st.none(),
        ),
    ),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(first=edits, second=edits)
# Found by this test: a rejected OPD named as a plan's owner crashed the urusan check.
@example(first=[("program/sc-02.yaml", None)], second=[("opd/diskominfo.yaml", SNIPPETS[1])])
def test_cached_runs_print_what_uncached_runs_print(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    first: list[tuple[str, str | None]],
    second: list[tuple[str, str | None]],
) -> None:
    base = tmp_path_factory.mktemp("prop")
    monkeypatch.setenv("SPBE_CACHE_DIR", str(base / "cache"))
    root = copy_minimal(base / "catalog")
    for step in (first, second):
        for rel, content in step:
            path = root / rel
            if content is None:
                path.unlink(missing_ok=True)
            else:
                write_tree(root, {rel: content})
        uncached = _report(root, cached=False)
        assert _report(root, cached=True) == uncached  # cold or partly warm
        assert _report(root, cached=True) == uncached  # fully warm
        assert _recorded(root) == uncached  # a full run, recorded (spbe validate)
        assert _recorded(root) == uncached  # the record replayed


# -- worker processes ----------------------------------------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")
@pytest.mark.parametrize("cached", [False, True])
@pytest.mark.parametrize("processes", ["2", "3"])
def test_workers_print_what_one_process_prints(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, cached: bool, processes: str
) -> None:
    from spbe_cli import parallel

    root = _catalog(tmp_path)
    write_tree(root, {f"extra/f{n:03}.yaml": SNIPPETS[n % len(SNIPPETS)] for n in range(40)})
    (root / "extra" / "outside.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    (tmp_path / "elsewhere.yaml").write_text("entitas: opd\n")
    monkeypatch.setenv("SPBE_WORKERS", "0")
    single = _report(root, cached=False)
    assert "SPBE010" in single  # the link is reported by the main process
    monkeypatch.setenv("SPBE_WORKERS", processes)
    monkeypatch.setattr(parallel, "CHUNK", 7)  # several chunks per worker, results in order
    assert _report(root, cached=cached) == single
    assert _report(root, cached=cached) == single


def test_a_worker_sends_position_tables_packed() -> None:
    """What a worker sends: each table packed, unpacked on first use, the same table then."""
    import pickle

    from spbe_cli import positions
    from spbe_cli.parsing import packed

    parsed = parse_bytes((BAD_PROGRAM + "---\n- a\n- [b, c]\n---\nx\n").encode())
    sent = pickle.loads(pickle.dumps(packed(parsed)))
    tables = [document.positions for document in sent.documents]
    assert len(tables) == 3
    assert all(isinstance(table, positions.Packed) for table in tables)
    assert all(table._table is None for table in tables)  # type: ignore[union-attr]
    assert sent == parsed
    assert to_json(sent) == to_json(parsed)
    table, whole = tables[0], parsed.documents[0].positions
    for loc in (("tahun_selesai",), ("indikator",), ("nama",), ("no", "such")):
        for key in (False, True):
            assert positions.find_position(table, loc, key=key) == positions.find_position(
                whole, loc, key=key
            )
    assert positions.find_position(table, ("tahun_selesai",)) == (8, 16)
    assert positions.path_at(table, 8) == positions.path_at(whole, 8) == "tahun_selesai"
    assert positions.count_values(table) == positions.count_values(whole)
    assert positions.shifted(table, 3) == positions.shifted(whole, 3)
    assert positions.find_position(tables[1], (1, 0)) == (14, 4)
    assert positions.find_position(tables[2], ()) == (16, 1)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")
def test_only_the_tables_a_finding_points_into_are_unpacked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spbe_cli import parallel, positions

    root = _catalog(tmp_path)
    write_tree(root, {f"extra/f{n:03}.yaml": SNIPPETS[n % len(SNIPPETS)] for n in range(40)})
    monkeypatch.setenv("SPBE_WORKERS", "0")
    single = _report(root, cached=False)
    monkeypatch.setenv("SPBE_WORKERS", "3")
    monkeypatch.setattr(parallel, "CHUNK", 3)
    catalog, report = validate_catalog(root, "katalog")
    assert format_json(report, "katalog") == single
    sources = list(catalog.sources.values())
    sent = [source.positions for source in sources]
    packed_tables = [table for table in sent if isinstance(table, positions.Packed)]
    assert packed_tables  # some chunks came from a worker
    at = {finding.location.path for finding in report.findings}
    for source in sources:
        table = source.positions
        if isinstance(table, positions.Packed) and source.path not in at:
            assert table._table is None, source.path


def test_worker_count_follows_the_catalog_and_the_variable() -> None:
    from spbe_cli.parallel import worker_count

    assert worker_count(10, {}) == 0
    assert worker_count(10**6, {"SPBE_WORKERS": "1"}) == 0
    assert worker_count(10, {"SPBE_WORKERS": "3"}) == 3
    # How busy the machine is decides the rest: tests/test_parallel.py.


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")
@pytest.mark.parametrize("recorded", [False, True])
def test_workers_read_a_warm_cache_and_parse_nothing(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, recorded: bool
) -> None:
    """A warm run shares the entries among the processes; none of them parses a file.

    ``recorded``: through spbe validate, one file changed since the run recorded, so the files
    the record's check read and hashed are loaded from their entries without being read again.
    """
    from spbe_cli import parallel

    root = _catalog(tmp_path)
    write_tree(root, {f"extra/f{n:03}.yaml": SNIPPETS[n % len(SNIPPETS)] for n in range(40)})
    monkeypatch.setenv("SPBE_WORKERS", "0")
    single = _report(root, cached=False)
    _recorded(root)  # the first run of a catalog writes its record only
    changed = root / "extra" / "f000.yaml"
    changed.write_text(changed.read_text() + "# x\n")
    _recorded(root)  # a run after the record writes every entry
    changed.write_text(changed.read_text()[: -len("# x\n")])
    assert len(_entries(cache_dir)) > 20

    def parse_nothing(data: bytes) -> ParsedFile:
        raise AssertionError("parsed although its entry is in the cache")

    # Forked, the workers see the patch too; a worker that fails leaves its chunk to this
    # process, which fails the same way.
    monkeypatch.setattr(cachestate, "parse_bytes", parse_nothing)
    monkeypatch.setenv("SPBE_WORKERS", "3")
    monkeypatch.setattr(parallel, "CHUNK", 7)
    if recorded:
        from spbe_cli import loader

        def read_nothing(file: object, real_root: Path) -> bytes:
            raise AssertionError("read again although the record's check read it")

        monkeypatch.setattr(loader, "read_catalog_file", read_nothing)
        assert _recorded(root) == single
    else:
        assert _report(root, cached=True) == single


def test_the_cache_is_off_unless_asked_for(tmp_path: Path, cache_dir: Path) -> None:
    """A cold cache makes a CI run slower, so nothing is read or written by default."""
    root = _catalog(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("SPBE_CACHE", "SPBE_NO_CACHE")}
    env["SPBE_CACHE_DIR"] = str(cache_dir)
    command = [sys.executable, "-m", "spbe_cli", "validate", str(root), "--format", "json"]
    subprocess.run(command, capture_output=True, env=env, check=False)
    assert not cache_dir.exists()
    subprocess.run(
        [*command[:3], "--cache", *command[3:]], capture_output=True, env=env, check=False
    )
    assert _records(cache_dir)
    assert cachestate.enabled({"SPBE_CACHE": "1"}) is (cachestate._state["enabled"] is not False)


def _aged(path: Path, days: float, now: float) -> None:
    when = now - days * 24 * 60 * 60
    os.utime(path, (when, when))


def test_folders_of_other_versions_unused_for_a_month_are_removed(
    tmp_path: Path, cache_dir: Path
) -> None:
    now = 2_000_000_000.0
    parent = cache_dir / "v1"
    stale, recent, bare = (parent / (letter * 16) for letter in "abc")
    for folder in (stale, recent, bare, parent / "runs", parent / "notes"):
        (folder / "00").mkdir(parents=True)
        (folder / "00" / "entry.json").write_text("{}")
    (stale / ".used").touch()
    _aged(stale / ".used", 31, now)
    (recent / ".used").touch()
    _aged(recent / ".used", 29, now)
    _aged(bare, 40, now)  # no stamp: the folder's own time counts
    for name in ("runs", "notes"):
        _aged(parent / name, 400, now)
    outside = tmp_path / "elsewhere" / ("d" * 16)
    outside.mkdir(parents=True)
    _aged(outside, 400, now)
    (parent / ("d" * 16)).symlink_to(outside)  # a link is never followed nor removed

    assert cache.prune_versions(parent, keep="e" * 16, now=now) == ["a" * 16, "c" * 16]
    assert not stale.exists() and not bare.exists()
    assert (recent / "00" / "entry.json").exists()
    assert (parent / "runs" / "00" / "entry.json").exists()
    assert (parent / "notes").exists() and outside.exists()
    # Looked over at most once a day: a folder gone stale since is left until tomorrow.
    _aged(recent / ".used", 31, now)
    assert cache.prune_versions(parent, keep="e" * 16, now=now + 60) == []
    assert cache.prune_versions(parent, keep="e" * 16, now=now + 25 * 60 * 60) == ["b" * 16]


def test_a_run_marks_its_folder_used_and_prunes_the_others(tmp_path: Path, cache_dir: Path) -> None:
    root = _catalog(tmp_path)
    old = cache_dir / "v1" / ("f" * 16)
    (old / "00").mkdir(parents=True)
    _aged(old, 60, time.time())
    _report(root, cached=True)
    (current,) = [p for p in (cache_dir / "v1").iterdir() if p.name not in ("runs", ".pruned")]
    assert (current / ".used").is_file() and not old.exists()
    assert _report(root, cached=True) == _report(root, cached=False)


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "--no-cache", "{root}"],
        ["--no-cache", "validate", "{root}"],
        ["sync", "--no-cache", "{root}"],
        ["progress", "{root}", "--no-cache"],
        ["render", "--no-cache", "{root}", "-o", "{out}", "-f", "md"],
        ["diff", "--no-cache", "{root}", "{root}"],
    ],
)
def test_no_cache_is_heard_before_or_after_the_command(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    """``spbe validate --no-cache`` is ``spbe --no-cache validate``: nothing read or written."""
    from typer.testing import CliRunner

    from spbe_cli.cli.app import app

    monkeypatch.setenv("SPBE_CACHE", "1")
    root = copy_minimal(tmp_path / "catalog")
    args = [a.format(root=root, out=tmp_path / "out") for a in argv]
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 1), result.output
    assert not cache_dir.exists()
    result = CliRunner().invoke(app, [a.replace("--no-cache", "--cache") for a in args])
    assert result.exit_code in (0, 1), result.output
    assert cache_dir.exists()  # the same switch turns it on


# -- the cache folder: private whatever the umask, and nobody else can swap it -------------------


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX only")
def test_folders_are_private_whatever_the_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under ``umask 002`` the folders spbe made were group-writable, then refused: no cache."""
    base = tmp_path / "deep" / "er" / "cache"  # none of it exists yet
    monkeypatch.setenv("SPBE_CACHE_DIR", str(base))
    root = _catalog(tmp_path)
    good = _report(root, cached=False)
    previous = os.umask(0o002)
    try:
        assert _recorded(root) == good
        assert _recorded(root) == good
    finally:
        os.umask(previous)
    assert _records(base)
    made = [tmp_path / "deep", tmp_path / "deep" / "er", base, *base.rglob("*")]
    for path in made:
        if path.is_dir():
            assert path.stat().st_mode & 0o077 == 0, path


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX only")
@pytest.mark.parametrize(
    ("where", "mode", "used"),
    [
        ("base", 0o777, False),  # another user renames v1 away and puts theirs in its place
        ("base", 0o770, False),  # writable by a group of others (see below for one's own)
        ("base", 0o1777, True),  # sticky, like /tmp: others add names, cannot rename ours
        ("base", 0o755, True),
        ("above", 0o777, False),
        ("above", 0o1777, True),
        ("link", 0o777, False),  # the base is reached through a link others can replace
        ("git", 0o755, False),  # in a work tree git cannot read: files may come from a commit
    ],
)
def test_a_cache_folder_others_could_swap_is_not_used(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    where: str,
    mode: int,
    used: bool,
) -> None:
    above = tmp_path / "shared"
    above.mkdir()
    base = above / "cache"
    base.mkdir()
    if where == "link":
        private = tmp_path / "private"
        private.mkdir(mode=0o700)
        (above / "link").symlink_to(private)
        base = above / "link"
    if where == "git":
        (above / ".git").write_text("gitdir: /elsewhere\n")  # a worktree's or submodule's
    if mode & 0o020 and not mode & 0o1002:
        if os.geteuid() != 0:
            pytest.skip("a folder of another group needs chown")
        os.chown(base, -1, 4242)
    (base if where == "base" else above).chmod(mode)
    monkeypatch.setenv("SPBE_CACHE_DIR", str(base))
    root = _catalog(tmp_path)
    good = _report(root, cached=False)
    capsys.readouterr()
    assert _recorded(root) == good
    assert _recorded(root) == good
    assert bool(_records(base)) is used
    said = capsys.readouterr().err
    if used:
        assert said == ""
    else:  # once, naming the folder and why: the user asked for the cache
        reason = (
            f"git work tree {above} and git could not tell that no file there is tracked"
            if where == "git"
            else str(base if where == "base" else above)
        )
        assert said.count(f"spbe: cache folder {base} not used: ") == 1, said
        assert reason in said and said.endswith("The run is complete, only not faster.\n")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs chown")
def test_a_cache_folder_of_another_user_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path / "theirs"
    base.mkdir(mode=0o755)
    os.chown(base, 4242, 4242)
    monkeypatch.setenv("SPBE_CACHE_DIR", str(base / "spbe"))
    root = _catalog(tmp_path)
    good = _report(root, cached=False)
    assert _recorded(root) == good
    assert _recorded(root) == good
    assert _records(base) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")
def test_fifos_planted_as_the_stamps_do_not_hang_a_run(tmp_path: Path, cache_dir: Path) -> None:
    """``.used`` was opened for writing, blocking: a FIFO there hung every run for ever."""
    root = _catalog(tmp_path)
    folder = ContentCache(cache_dir).folder
    folder.mkdir(parents=True, mode=0o700)
    os.mkfifo(folder / cache.USED_STAMP)
    os.mkfifo(folder.parent / cache.PRUNED_STAMP)
    os.utime(folder.parent / cache.PRUNED_STAMP, (0, 0))  # a day old: looked over, so touched
    command = [sys.executable, "-m", "spbe_cli", "validate", str(root), "--format", "json"]
    env = {**os.environ, "SPBE_CACHE_DIR": str(cache_dir), "SPBE_CACHE": "1"}
    plain = subprocess.run([*command[:3], "--no-cache", *command[3:]], capture_output=True, env=env)
    for _ in range(2):
        run = subprocess.run(command, capture_output=True, env=env, timeout=120)
        assert run.stdout == plain.stdout
        assert run.stderr == b""
    assert _records(cache_dir)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_FSIZE, Linux")
def test_a_full_disk_only_costs_speed(tmp_path: Path, cache_dir: Path) -> None:
    """Files may not grow past 3,000 bytes (as on a full disk, writes fail half way)."""
    import resource

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (3000, 3000))  # Python ignores SIGXFSZ

    root = _catalog(tmp_path)
    command = [sys.executable, "-m", "spbe_cli", "validate", str(root), "--format", "json"]
    env = {**os.environ, "SPBE_CACHE_DIR": str(cache_dir), "SPBE_CACHE": "1"}

    def plain() -> bytes:
        no_cache = [*command[:3], "--no-cache", *command[3:]]
        return subprocess.run(no_cache, capture_output=True, env=env, check=False).stdout

    expected = plain()
    full = subprocess.run(command, capture_output=True, env=env, preexec_fn=small_files)
    assert (full.stdout, full.stderr) == (expected, b"")
    assert _records(cache_dir) == []  # the record is larger: not written, nothing half left
    subprocess.run(command, capture_output=True, env=env, check=False)  # the record, at last
    assert _records(cache_dir)
    write_tree(root, {"program/syntax.yaml": "a: [1, 2\n\n"})  # a second run writes entries
    expected = plain()
    for _ in range(2):
        full = subprocess.run(command, capture_output=True, env=env, preexec_fn=small_files)
        assert (full.stdout, full.stderr) == (expected, b"")
    store = ContentCache(cache_dir)
    entries = _entries(cache_dir)
    assert entries  # the small ones fit
    assert all(store.get(entry.stem, 1 << 20) is not None for entry in entries)  # none cut short
    assert not list(cache_dir.rglob("*.tmp"))


def test_the_same_content_in_two_files_shares_one_entry(tmp_path: Path, cache_dir: Path) -> None:
    """Each file still gets its own findings, at its own path (the entry holds no name)."""
    root = _catalog(tmp_path)
    write_tree(root, {"salinan/bad.yaml": BAD_PROGRAM, "salinan/syntax.yaml": "a: [1, 2\n"})
    uncached = _report(root, cached=False)
    for path in ("katalog/program/bad.yaml", "katalog/salinan/bad.yaml"):
        assert f'"{path}"' in uncached
    assert _report(root, cached=True) == uncached  # cold: both written under one key
    store = ContentCache(cache_dir)
    keys = [e.stem for e in _entries(cache_dir)]
    assert keys.count(store.key(BAD_PROGRAM.encode())) == 1
    assert _report(root, cached=True) == uncached  # warm: one entry read for both
    (root / "salinan" / "bad.yaml").rename(root / "salinan" / "lain.yaml")  # renamed
    assert _report(root, cached=True) == _report(root, cached=False)


@pytest.mark.skipif(not hasattr(os, "getegid"), reason="POSIX only")
def test_a_folder_only_the_users_private_group_can_write_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``umask 002`` with a group per user (Debian, Ubuntu): ``~/.cache`` is often 0775."""
    import grp
    import pwd

    me = pwd.getpwuid(os.geteuid()).pw_name

    def group(name: str, members: list[str]) -> Callable[[int], object]:
        return lambda gid: type("Group", (), {"gr_name": name, "gr_mem": members})()

    monkeypatch.setattr(grp, "getgrgid", group(me, []))
    assert cache._private_group(os.getegid())
    assert not cache._private_group(os.getegid() + 1)  # not the user's primary group
    monkeypatch.setattr(grp, "getgrgid", group("users", []))  # shared as a primary group
    assert not cache._private_group(os.getegid())
    monkeypatch.setattr(grp, "getgrgid", group(me, [me, "tamu"]))
    assert not cache._private_group(os.getegid())
    monkeypatch.setattr(grp, "getgrgid", group(me, [me]))
    above = tmp_path / "home"
    above.mkdir()
    os.chown(above, -1, os.getegid())
    above.chmod(0o775)
    monkeypatch.setenv("SPBE_CACHE_DIR", str(above / "cache"))
    root = _catalog(tmp_path)
    good = _report(root, cached=False)
    assert _recorded(root) == good
    assert _records(above / "cache")


@pytest.mark.parametrize("command", ["diff", "progress"])
def test_diff_and_progress_through_a_hostile_cache_print_what_they_print_without(
    tmp_path: Path, cache_dir: Path, command: str
) -> None:
    """The sides of ``spbe diff`` and the catalog of ``spbe progress`` are read through it too."""
    from typer.testing import CliRunner

    from spbe_cli.cli.app import app

    base = copy_minimal(tmp_path / "lama")
    head = _catalog(tmp_path)
    argv = {
        "diff": ["diff", str(base), str(head), "--format", "json"],
        "progress": ["progress", str(head), "--force", "--format", "json"],
    }[command]
    plain = CliRunner().invoke(app, ["--no-cache", *argv])
    assert plain.exit_code in (0, 1), plain.output
    assert not cache_dir.exists()
    printed = [CliRunner().invoke(app, ["--cache", *argv]) for _ in range(2)]
    entries = _entries(cache_dir)
    assert entries
    for number, entry in enumerate(entries):  # truncated, foreign, or a link
        if number % 3 == 0:
            entry.write_bytes(entry.read_bytes()[:-7])
        elif number % 3 == 1:
            entry.write_bytes(entry.read_bytes().replace(entry.stem.encode(), b"0" * 64, 1))
        else:
            entry.unlink()
            entry.symlink_to(entries[0])
    printed.append(CliRunner().invoke(app, ["--cache", *argv]))
    for result in printed:
        assert (result.exit_code, result.stdout) == (plain.exit_code, plain.stdout)


def test_the_id_of_a_packed_table_is_found_without_unpacking_it() -> None:
    """What every command looks up of nearly every entity: the same place, no table unpacked.

    A mapping with its id, one without (the document's start), a sequence and a scalar, as
    the unpacked tables answer; any other look-up (the id's key, a deeper path) unpacks it.
    """
    import pickle

    from spbe_cli import positions
    from spbe_cli.parsing import packed

    text = BAD_PROGRAM + "---\nnama: x\n  # no id\n---\n- id\n- [b, c]\n---\nx\n"
    parsed = parse_bytes(text.encode())
    sent = pickle.loads(pickle.dumps(packed(parsed)))
    tables = [document.positions for document in sent.documents]
    wholes = [document.positions for document in parsed.documents]
    assert len(tables) == 4
    for table, whole in zip(tables, wholes, strict=True):
        assert isinstance(table, positions.Packed)
        assert positions.find_position(table, ("id",)) == positions.find_position(whole, ("id",))
        assert positions.find_position(table, ["id"]) == positions.find_position(whole, ("id",))
        assert table._table is None
    assert positions.find_position(tables[0], ("id",)) == (2, 5)
    assert positions.find_position(tables[0], ("id",), key=True) == (2, 1)
    assert tables[0]._table is not None  # the key's place is in the table only
    assert positions.find_position(tables[1], ("nama", "id")) == (13, 7)
    assert tables[1]._table is not None


def test_a_bounded_read_survives_short_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file read in one go when it can be; short reads are read on; over the limit, None."""
    path = tmp_path / "entry"
    data = os.urandom(50_000)
    path.write_bytes(data)
    assert cache.read_bounded(str(path), len(data)) == data
    assert cache.read_bounded(str(path), len(data) - 1) is None
    read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: read(fd, min(n, 999)))
    assert cache.read_bounded(str(path), len(data)) == data
    assert cache.read_bounded(str(path), len(data) + 10) == data


def test_an_entry_orjson_refuses_is_read_as_json_reads_it(cache_dir: Path) -> None:
    """Numbers beyond 64 bits and infinities are written as json writes them; the entry is read
    back (a hit, the same values), not a miss rewritten on every run."""
    data = b"a: 123456789012345678901234567890\nb: .inf\nc: [-.inf, 1.5]\n"
    store = ContentCache(cache_dir)
    key, parsed, _ = store.lookup(data)
    assert parsed is None
    store.put(key, parse_bytes(data))
    _, again, bad = store.lookup(data)
    assert again is not None and not bad
    assert to_json(again) == to_json(parse_bytes(data))
