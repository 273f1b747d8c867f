"""Writers that encode as they go give the bytes a joined text gave (memory, not output)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from spbe_cli.render import output
from spbe_cli.render.output import Utf8Lines

#: Lines of newlines, blanks, plain and non-ASCII text: what decides how Markdown is tidied.
_LINE = st.text(alphabet=st.sampled_from(["\n", " ", "a", "|", "é", "†", "—"]), max_size=8)


def _tidied(lines: list[str]) -> str:
    """Markdown as the writer used to tidy it: one joined text, copied per step."""
    text = "\n".join(lines).strip("\n") + "\n"
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text


def _fill(sink: Utf8Lines, lines: list[str], pieces_at: int | None) -> None:
    for n, line in enumerate(lines):
        if n == pieces_at:
            sink.append_pieces(list(line))  # the same line, one character at a time
        elif n % 3 == 2:
            sink.extend([line])
        else:
            sink.append(line)


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(_LINE, max_size=30),
    flush=st.integers(min_value=1, max_value=5),
    pieces_at=st.none() | st.integers(min_value=0, max_value=29),
)
def test_markdown_lines_give_the_tidied_text(
    lines: list[str], flush: int, pieces_at: int | None
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(output, "_FLUSH_LINES", flush)
        sink = Utf8Lines(markdown=True)
        _fill(sink, lines, pieces_at)
        assert sink.getvalue() == _tidied(lines).encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(_LINE, max_size=30),
    flush=st.integers(min_value=1, max_value=5),
    pieces_at=st.none() | st.integers(min_value=0, max_value=29),
)
def test_lines_give_the_joined_text(lines: list[str], flush: int, pieces_at: int | None) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(output, "_FLUSH_LINES", flush)
        sink = Utf8Lines()
        _fill(sink, lines, pieces_at)
        assert sink.getvalue() == "\n".join(lines).encode("utf-8")


def test_an_empty_markdown_text_is_one_newline() -> None:
    assert Utf8Lines(markdown=True).getvalue() == b"\n"
    assert Utf8Lines().getvalue() == b""


def test_the_final_newline_is_written_once() -> None:
    sink = Utf8Lines(markdown=True)
    sink.append("# Judul")
    assert sink.getvalue() == sink.getvalue() == b"# Judul\n"


def test_html_headings_before_a_wide_table_open_its_landscape_page() -> None:
    from spbe_cli.render.document import parse_document
    from spbe_cli.render.figures import ScreenSvg
    from spbe_cli.render.to_html import write_html

    header = "| " + " | ".join(f"Kolom {n}" for n in range(12)) + " |"
    rule = "|" + "---|" * 12
    row = "| " + " | ".join(f"isi {n}" for n in range(12)) + " |"
    source = f"## Bab\n\n### Bagian\n\n{header}\n{rule}\n{row}\n\n## Bab lain\n\nTeks.\n"
    html = write_html(parse_document("uji", source), lambda _f: ScreenSvg("", 0)).decode("utf-8")
    body = html[html.index("<main>") :]
    assert re.search(r'<div class="lanskap">\n<h2 [^>]*>Bab</h2>\n<h3 [^>]*>Bagian</h3>\n', body)
    assert body.endswith(
        '<h2 id="bab-lain">Bab lain</h2>\n<p>Teks.</p>\n</main>\n</body>\n</html>\n'
    )


def test_a_documents_values_are_converted_for_that_document_only() -> None:
    from spbe_cli.models import Nomenklatur
    from spbe_cli.render.plain import Plainer

    plain = Plainer()
    rows = [{"baris": n} for n in range(40)]  # a builder's table: long enough to be memoised
    model = Nomenklatur(kode="2.16.03.2.02.0025", versi="Kepmendagri 900.1.15.5-1317/2023")
    labels = {f"opd-{n}": f"OPD {n}" for n in range(40)}
    first_rows, first_model, first_labels = plain(rows), plain(model), plain.shared(labels)
    assert plain(rows) is first_rows  # converted once within a document
    plain.forget_document()
    assert plain(rows) is not first_rows and plain(rows) == first_rows  # again, same value
    assert plain(model) is first_model  # a catalog model's record serves every document
    assert plain(labels) is first_labels  # and so does what the run shares


class _Html:
    """Something other than a string that says it is markup."""

    def __html__(self) -> str:
        return "<b>siap</b>"


@given(
    items=st.lists(
        st.one_of(
            st.text(max_size=6),
            st.text(max_size=6).map(Markup),
            st.none(),
            st.integers(),
            st.just(_Html()),
        ),
        max_size=6,
    ),
    sep=st.sampled_from([", ", " | ", Markup("<br>"), "*"]),
)
def test_join_in_markdown_gives_what_markup_join_gave(items: list[object], sep: str) -> None:
    from spbe_cli.render.engine import _md_finalize, _md_join

    joined = _md_join(iter(items), sep)
    assert type(joined) is Markup
    assert joined == Markup(sep).join(_md_finalize(item) for item in items)


def test_printed_values_are_escaped_once_in_markdown() -> None:
    from jinja2 import Environment

    from spbe_cli.render.engine import make_environment

    env = make_environment([(Path("/nonexistent"), "x")], "md")
    assert isinstance(env, Environment)
    template = env.from_string("{{ a }} {{ b }} {{ c|upper }} {{ d }} {{ [a, b]|join(' / ') }}")
    text = template.render(a="*tebal*", b=Markup("*tebal*"), c="a_b", d=None)
    assert text == "\\*tebal\\* *tebal* A_B  \\*tebal\\* / *tebal*"


_TEMPLATES = [
    "{{ a }}|{{ b }}|{{ n }}|{{ d }}|{{ h }}|{{ a|upper }}|{{ b|upper }}",
    "{{ a ~ b }}|{{ (a|e) ~ '*' }}|{{ a|md }}|{{ [a, b, n, d, h]|join(' * ') }}",
    "{% autoescape false %}{{ a }}|{{ b }}|{{ d }}|{{ h }}{% endautoescape %}",
    "{% autoescape flag %}{{ a }}|{{ b }}|{{ n }}{% endautoescape %}|{{ a }}",
    "{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m(a) }}|{{ m(b) }}",
    "{% set s %}{{ a }}{{ h }}{% endset %}{{ s }}|{% set t = a ~ h %}{{ t }}",
    "{{ '*konstanta*' }}|{{ 3 }}|{% for x in [a, b] %}{{ loop.index }}{{ x }}{% endfor %}",
]


@pytest.mark.parametrize("sandboxed", [False, True])
@pytest.mark.parametrize("flag", [False, True])
@pytest.mark.parametrize("source", _TEMPLATES)
def test_markdown_output_is_what_jinja_escaping_gave(
    source: str, flag: bool, sandboxed: bool
) -> None:
    from jinja2 import Environment, StrictUndefined

    from spbe_cli.render.engine import _md_finalize, make_environment

    env = make_environment([(Path("/nonexistent"), "x")], "md", sandboxed=sandboxed)
    before = Environment(
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_md_finalize,
    )
    before.filters.update(env.filters)
    values = {
        "a": "*tebal* <b> _x_ | #",
        "b": Markup("*markup* <i>"),
        "n": 1500,
        "d": None,
        "h": _Html(),
        "flag": flag,
    }
    expected = before.from_string(source).render(values)
    assert env.from_string(source).render(values) == expected


def test_print_keeps_only_what_opens_content_with_what_follows() -> None:
    """``break-after: avoid`` goes on what comes before its content: headings and a table's
    caption (above the table). A figure's caption closes the figure: kept with what follows, it
    chained the figure to the next table, and Chromium broke that table between its caption and
    its rows (the laporan's "Tabel 1" alone at the foot of a page)."""
    import re

    from spbe_cli.render.to_html import CSS

    kept: set[str] = set()
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", CSS):
        if re.search(r"break-after:\s*avoid", body):
            kept.update(s.strip() for s in selectors.split(","))
    assert "caption" in kept and {"h2", "h3"} <= kept
    assert not kept & {"figcaption", "figure", ".gambar", "table", ".tabel"}
