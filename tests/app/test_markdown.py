"""Rendering untrusted model output, and where a growing answer's finished blocks end."""

from __future__ import annotations

import itertools
import time

import pytest

from app.ui.markdown import (
    CODE,
    CUT_CHARS,
    HIGHLIGHT_LIMIT,
    LINE_SEPARATOR,
    LIST,
    PARAGRAPH,
    BlockScanner,
    MarkdownRenderer,
    PieceSplitter,
    Seam,
    find_cut,
    is_safe_link,
    split_blocks,
    split_pieces,
    split_point,
)
from app.ui.theme import DARK, LIGHT


@pytest.fixture
def renderer() -> MarkdownRenderer:
    return MarkdownRenderer(LIGHT)


def test_heading_list_and_emphasis(renderer: MarkdownRenderer) -> None:
    html = renderer.render("# Title\n\n- one\n- **two**\n\n1. a\n2. b\n").html
    assert "<h1>Title</h1>" in html
    assert "<ul>" in html and "<li><strong>two</strong></li>" in html
    assert "<ol>" in html


def test_single_line_breaks_are_kept(renderer: MarkdownRenderer) -> None:
    """Poems, addresses, lists without markers: one line break is a line break."""
    html = renderer.render("Roses are red,\nviolets are blue.\n\n10 Downing St\nLondon\n").html
    assert "Roses are red,<br />\nviolets are blue." in html
    assert "10 Downing St<br />\nLondon" in html
    assert "<br" not in renderer.render("```\na\nb\n```\n").html.split("<pre")[1].split("</pre>")[0]


def test_fenced_python_is_highlighted_with_inline_styles(renderer: MarkdownRenderer) -> None:
    rendered = renderer.render("```python\ndef f(x):\n    return 'hi'\n```\n")
    assert rendered.code_blocks == ["def f(x):\n    return 'hi'\n"]
    assert 'href="copy:0"' in rendered.html
    assert "python</span>" in rendered.html  # the language label in the header
    # Pygments' default style: keywords bold green, strings red; as tags Qt parses fast.
    assert '<font color="#008000"><b>def </b></font>' in rendered.html  # spaces merge in
    assert "<font color=\"#BA2121\">'hi'</font></pre>" in rendered.html  # no trailing newline
    assert 'class="' not in rendered.html


def test_dark_palette_uses_a_dark_pygments_style() -> None:
    light = MarkdownRenderer(LIGHT).render("```python\ndef f(): pass\n```\n").html
    dark = MarkdownRenderer(DARK).render("```python\ndef f(): pass\n```\n").html
    assert light != dark
    assert DARK.code_background in dark and LIGHT.code_background in light


def test_unknown_language_and_indented_code_are_escaped_plain_text(
    renderer: MarkdownRenderer,
) -> None:
    rendered = renderer.render("```nosuchlang\n<b>x</b>\n```\n\n    indented <i>\n")
    assert rendered.code_blocks == ["<b>x</b>\n", "indented <i>\n"]
    assert "&lt;b&gt;x&lt;/b&gt;" in rendered.html and "<b>" not in rendered.html
    assert 'href="copy:1"' in rendered.html


def test_code_block_numbers_continue_from_first_code_index(renderer: MarkdownRenderer) -> None:
    rendered = renderer.render("```\na\n```\n\n```\nb\n```\n", first_code_index=5)
    assert 'href="copy:5"' in rendered.html and 'href="copy:6"' in rendered.html
    assert rendered.code_blocks == ["a\n", "b\n"]


def test_code_block_numbers_given_later_are_those_given_at_once(
    renderer: MarkdownRenderer,
) -> None:
    """What the render worker does: it cannot know how many code blocks came before."""
    source = "```\na\n```\n\nText `copy:0` and \\0.\n\n```js\nb\n```\n"
    later = renderer.render(source, first_code_index=None, copy_label="Kopieren")
    assert 'href="copy:\x000\x00"' in later.html and 'href="copy:0"' not in later.html
    at_once = renderer.render(source, first_code_index=7, copy_label="Kopieren")
    assert later.numbered(7) == at_once
    assert 'href="copy:7"' in at_once.html and 'href="copy:8"' in at_once.html
    assert "Kopieren" in at_once.html and ">Copy<" not in at_once.html


def test_raw_html_is_escaped_never_passed_through(renderer: MarkdownRenderer) -> None:
    source = (
        '<script>alert(1)</script>\n\nText <img src="http://127.0.0.1:9/x.png"> and '
        '<a href="http://evil.example">a</a>\n\n<iframe src="https://x.example"></iframe>\n'
    )
    html = renderer.render(source).html
    for tag in ("<script", "<img", "<iframe", "<a href"):
        assert tag not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=&quot;http://127.0.0.1:9/x.png&quot;&gt;" in html


def test_images_become_plain_links_never_img(renderer: MarkdownRenderer) -> None:
    html = renderer.render("See ![a cat](https://img.example/cat.png) here.\n").html
    assert "<img" not in html
    assert '<a href="https://img.example/cat.png">\N{FRAME WITH PICTURE} a cat</a>' in html


def test_images_with_unsafe_sources_are_not_links(renderer: MarkdownRenderer) -> None:
    html = renderer.render(
        "![x](javascript:alert(1)) ![y](data:image/png;base64,AAAA) ![z](file:///etc/passwd)\n"
    ).html
    assert "<img" not in html and "<a " not in html


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        "[click](JavaScript:alert(1))",
        "[click](java&#x09;script:alert(1))",
        "[click](vbscript:msgbox(1))",
        "[click](file:///etc/passwd)",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "[click](relative/path.html)",
        "[click](//evil.example/x)",
        "<javascript:alert(1)>",
        "<file:///etc/passwd>",
        "[click][ref]\n\n[ref]: javascript:alert(1)",
    ],
)
def test_unsafe_links_are_not_clickable(renderer: MarkdownRenderer, source: str) -> None:
    html = renderer.render(source + "\n").html
    assert "<a " not in html, html


@pytest.mark.parametrize(
    ("source", "href"),
    [
        ("[docs](https://docs.python.org/3/)", "https://docs.python.org/3/"),
        ("[site](http://127.0.0.1:8000/a?b=c)", "http://127.0.0.1:8000/a?b=c"),
        ("<https://example.com/x>", "https://example.com/x"),
        ("[mail](mailto:someone@example.com)", "mailto:someone@example.com"),
    ],
)
def test_web_and_mail_links_stay_links(renderer: MarkdownRenderer, source: str, href: str) -> None:
    assert f'<a href="{href}">' in renderer.render(source + "\n").html


def test_is_safe_link() -> None:
    assert is_safe_link("https://example.com")
    assert is_safe_link("mailto:a@b.c")
    assert not is_safe_link("https:")  # no host
    assert not is_safe_link("copy:3")
    assert not is_safe_link("javascript:alert(1)")
    assert not is_safe_link(" file:///etc/passwd")


def test_tables_and_strikethrough(renderer: MarkdownRenderer) -> None:
    html = renderer.render("| a | b |\n|:-|-:|\n| 1 | 2 |\n\n~~gone~~\n").html
    assert "<table" in html and '<td align="right">2</td>' in html
    assert "<s>gone</s>" in html


# -- finished blocks -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("one paragraph", ""),
        ("para\n\nsecond", "para\n\n"),  # an unfinished line can start the next block...
        ("para\n\n1", ""),  # ...unless it may still become a list item
        ("para\n\n-", ""),
        ("para\n\n  x", ""),
        ("para\n\nsecond\n", "para\n\n"),
        ("para\n\nsecond\n\nthird\n", "para\n\nsecond\n\n"),
        ("# Head\n\ntext\n", "# Head\n\n"),
        # never inside a fence, however many blank lines it has
        ("```\ncode\n\nmore\n", ""),
        ("```py\ncode\n\nmore\n```\n\nafter\n", "```py\ncode\n\nmore\n```\n\n"),
        ("~~~\na\n\n```\nb\n~~~\n\nc\n", "~~~\na\n\n```\nb\n~~~\n\n"),
        ("````\n```\n\nx\n````\n\ny\n", "````\n```\n\nx\n````\n\n"),
        # an indented "```" four spaces deeper than the opener does not close it
        ("```\na\n    ```\n\nb\n", ""),
        # ```x``` is inline code, not a fence
        ("```x```\n\nnext\n", "```x```\n\n"),
        # not before an indented line (list item continuation, indented code)
        ("- item\n\n  more of the item\n", ""),
        (
            "1. step\n\n   ```sh\n   ls\n\n   pwd\n   ```\n\nDone.\n",
            "1. step\n\n   ```sh\n   ls\n\n   pwd\n   ```\n\n",
        ),
        # never between list items (a loose list stays one list)
        ("- a\n\n- b\n\nafter\n", "- a\n\n- b\n\n"),
        ("1. a\n\n2. b\n", ""),
        ("para\n\n* star\n", ""),
        # CRLF line endings
        ("a\r\n\r\nb\r\n", "a\r\n\r\n"),
    ],
)  # fmt: skip
def test_split_point(text: str, expected: str) -> None:
    assert text[: split_point(text)] == expected


def test_scanner_fed_in_pieces_finds_the_same_boundaries() -> None:
    text = _sample_document()
    whole = list(_cuts(text))
    scanner = BlockScanner()
    found: list[int] = []
    offset = 0
    tail = ""
    for i in range(0, len(text), 7):  # awkward piece size: cuts lines and fences anywhere
        tail += text[i : i + 7]
        cut = scanner.scan(tail)
        if cut:
            found.append(offset + cut)
            offset += cut
            tail = tail[cut:]
            scanner.drop_prefix(cut)
    assert found and set(found) <= set(whole)
    assert found[-1] == whole[-1]


def test_rendering_pieces_equals_rendering_the_whole(renderer: MarkdownRenderer) -> None:
    text = _sample_document()
    pieces = split_blocks(text)
    assert len(pieces) > 10 and "".join(pieces) == text
    whole = renderer.render(text)
    html, blocks = [], []
    for piece in pieces:
        rendered = renderer.render(piece, first_code_index=len(blocks))
        html.append(rendered.html)
        blocks.extend(rendered.code_blocks)
    assert "".join(html) == whole.html
    assert blocks == whole.code_blocks


def _cuts(text: str) -> list[int]:
    cuts, start = [], 0
    for piece in split_blocks(text)[:-1]:
        start += len(piece)
        cuts.append(start)
    return cuts


def _sample_document() -> str:
    return (
        "# Plan\n\nSome *text* with `code` and a [link](https://example.com).\n\n"
        "- a\n- b\n\n  continued b\n\n- c\n\n"
        "1. one\n2. two\n\n"
        "```python\ndef f():\n\n    return 1\n```\n\n"
        "> quote\n> more\n\n"
        "| x | y |\n|---|---|\n| 1 | 2 |\n\n"
        "    indented code\n\n    still code\n\n"
        "Setext\n======\n\n"
        "~~~\n```\nnot a fence end\n~~~\n\n"
        "---\n\nlast paragraph\nwith two lines\n\n"
        "final words\n"
    ) * 3


def test_huge_code_blocks_stay_plain(renderer: MarkdownRenderer) -> None:
    code = "x = 1\n" * (HIGHLIGHT_LIMIT // 6 + 1)
    rendered = renderer.render(f"```python\n{code}```\n")
    assert rendered.code_blocks == [code]
    assert "<font" not in rendered.html  # too long to highlight within a frame's budget
    assert 'href="copy:0"' in rendered.html


# -- cutting open blocks that grow too long ------------------------------------------------


def _sentences(count: int, per_line: int = 0) -> str:
    """One paragraph: markup in every sentence, a soft break every ``per_line`` sentences."""
    parts = []
    for i in range(count):
        parts.append(f"Sentence {i} has **bold {i}**, `code {i}` and a [link](https://x.org/{i}).")
        if per_line and i % per_line == per_line - 1:
            parts.append("\n")
        else:
            parts.append(" ")
    return "".join(parts).rstrip() + "\n"


def _rows(count: int) -> str:
    rows = "".join(f"| row-{i} | {i} | {'cell text ' * (i % 4 + 1)}|\n" for i in range(count))
    return "| Key | Number | Note |\n|---|--:|:--|\n" + rows


SCRIPT = "".join(f"def f_{i}(x):\n    return x * {i}  # `not` **markdown**\n" for i in range(900))
SHAPES = {
    "paragraph": _sentences(1500, per_line=3),
    "one line": _sentences(1500),
    "list": "".join(f"- item {i} with **bold** and `code`\n" for i in range(1000)),
    "ordered": "".join(f"{i + 1}. step {i} with *emphasis*\n" for i in range(1000)),
    "code": f"```python\n{SCRIPT}```\n",
    "indented code": "".join(f"    line {i} of code\n" for i in range(2000)),
    "table": _rows(600),
    "quote": "".join(f"> quoted line {i} goes on a while\n" for i in range(1500)),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_open_blocks_are_cut_into_bounded_pieces(shape: str) -> None:
    text = SHAPES[shape]
    pieces = split_pieces(text)
    assert "".join(p.source for p in pieces) == text
    assert len(pieces) > 5
    assert max(len(p.source) for p in pieces) <= CUT_CHARS * 3 // 2
    for before, after in itertools.pairwise(pieces):
        assert before.closes == after.opens  # each seam is told to both of its sides


def test_pieces_fed_as_a_stream_stay_bounded() -> None:
    text = SHAPES["one line"] + SHAPES["list"] + SHAPES["table"] + SHAPES["code"]
    splitter = PieceSplitter()
    tail, longest, pieces = "", 0, []
    for i in range(0, len(text), 37):
        tail += text[i : i + 37]
        found = splitter.split(tail)
        tail = tail[sum(len(p.source) for p in found) :]
        pieces += found
        longest = max(longest, len(tail))
    assert "".join(p.source for p in pieces) + tail == text
    assert longest <= CUT_CHARS + 37  # the open tail never grows past the cut size


def test_list_pieces_continue_the_list(renderer: MarkdownRenderer) -> None:
    pieces = split_pieces(SHAPES["ordered"])
    html = [renderer.render(p.source, opens=p.opens, closes=p.closes).html for p in pieces]
    assert html[0].startswith('<ol style="margin-bottom: 0px;">')
    second, opening = pieces[1].source.split(".", 1)[0], html[1].split(">", 1)[0]
    assert opening.startswith(f'<ol start="{second}" style=')
    assert "margin-top: 0px;" in opening and "margin-bottom: 0px;" in opening
    assert html[-1].startswith(f'<ol start="{pieces[-1].source.split(".", 1)[0]}" style')
    assert sum(h.count("<li>") for h in html) == 1000


def test_code_pieces_are_one_box_that_copies_whole(renderer: MarkdownRenderer) -> None:
    pieces = split_pieces(SHAPES["code"])
    blocks: list[str] = []
    for piece in pieces:
        rendered = renderer.render(
            piece.source, first_code_index=len(blocks), opens=piece.opens, closes=piece.closes
        )
        if rendered.continued_code is not None:
            blocks[-1] += rendered.continued_code
        blocks += rendered.code_blocks
        # one header (language, Copy) for the whole block; highlighted piece by piece
        assert ('href="copy:0"' in rendered.html) == (piece is pieces[0])
        assert "<font" in rendered.html
    assert blocks == [SCRIPT]


def test_table_pieces_share_widths_and_drop_the_repeated_header(
    renderer: MarkdownRenderer,
) -> None:
    pieces = split_pieces(SHAPES["table"])
    seams = {p.closes for p in pieces[:-1]}
    assert len(seams) == 1  # one seam (header, widths) for every cut of the table
    (seam,) = seams
    assert seam.prefix == "| Key | Number | Note |\n|---|--:|:--|\n"
    html = [renderer.render(p.source, opens=p.opens, closes=p.closes).html for p in pieces]
    assert "<thead>" in html[0] and all("<thead>" not in h for h in html[1:])
    assert all(f'width="{seam.width}%"' in h for h in html)
    assert all('class="cutjoin"' in h for h in html[1:])
    assert sum(h.count("<tr>") for h in html) == 601
    assert '<td align="right" class="cut">7</td>' in "".join(html)  # alignment kept


@pytest.mark.parametrize("shape", ["paragraph", "one line"])
def test_paragraph_cuts_never_split_a_span(renderer: MarkdownRenderer, shape: str) -> None:
    pieces = split_pieces(SHAPES[shape])
    for piece in pieces:
        html = renderer.render(piece.source, opens=piece.opens, closes=piece.closes).html
        assert "**" not in html and "`" not in html and "](" not in html
        assert piece.source[:1] != " "  # the space of a cut stays with the piece before
    assert all(p.closes == Seam(PARAGRAPH, joiner=" ") for p in pieces[:-1])
    assert renderer.render(pieces[1].source, opens=pieces[1].opens).html.startswith(
        '<p style="margin-top: 0px;">'
    )


def test_a_paragraph_is_not_cut_before_what_would_start_another_block(
    renderer: MarkdownRenderer,
) -> None:
    # Inside a paragraph these lines are text; starting a piece, each would start something else.
    lines = ["2. not a list", "| no | table |", "    no code", "[x]: /no-definition", "=== no"]
    text = "Start.\n" + "\n".join(f"{lines[i % 5]} filler words {i}" for i in range(1500)) + "\n"
    pieces = split_pieces(text)
    assert len(pieces) > 3
    for piece in pieces:
        html = renderer.render(piece.source, opens=piece.opens, closes=piece.closes).html
        assert html.count("<p") == 1 and html.strip().endswith("</p>"), html[:80]


def test_hard_breaks_are_kept_across_a_cut() -> None:
    text = "".join(f"line-{i}-of-a-poem\\\n" for i in range(400))  # breaks, no spaces
    pieces = split_pieces(text)
    assert pieces[0].closes == Seam(PARAGRAPH, joiner=LINE_SEPARATOR)


def test_a_cut_always_moves_forward() -> None:
    # No space, no line break: nothing better than the end of the window.
    text = "x" * 20_000
    cut = find_cut(text, 0, len(text), None)
    assert 0 < cut.position <= CUT_CHARS * 3 // 2
    assert "".join(p.source for p in split_pieces(text)) == text


def test_between_blocks_without_a_blank_line_no_seam_is_needed(
    renderer: MarkdownRenderer,
) -> None:
    text = "".join(f"## Heading {i}\nSome text under it, {i}.\n- a\n- b\n" for i in range(900))
    pieces = split_pieces(text)
    assert len(pieces) > 5
    assert all(p.closes is None for p in pieces)
    html = "".join(renderer.render(p.source).html for p in pieces)
    assert html == renderer.render(text).html


def test_scanning_a_huge_unfinished_line_is_linear() -> None:
    scanner = BlockScanner()
    text = "word " * 40_000  # 200 KB, no line break
    started = time.perf_counter()
    for end in range(10_000, len(text), 10_000):
        scanner.scan(text[:end])
    # Generous (a busy 2-core machine): the old quadratic regex took ~1 s per scan at 40 KB,
    # over 20 s for these 19 scans; the linear scanner takes milliseconds.
    assert time.perf_counter() - started < 5


def test_scanner_after_a_cut_inside_a_line() -> None:
    scanner = BlockScanner()
    assert scanner.scan("```\ncode\nmore code that goes on") == 0
    scanner.drop_prefix(20)  # cut inside the unfinished line
    assert scanner.in_fence
    tail = "code that goes on\n```\n\nafter\n"
    assert tail[scanner.scan(tail) :] == "after\n"


def test_scanner_reports_an_unfinished_lines_boundary_once() -> None:
    """The start of an unfinished line that already begins a block is a boundary; scanning the
    same line again (longer, then finished) must not report it a second time."""
    scanner = BlockScanner()
    assert scanner.scan_all("a\n\nb") == [3]
    assert scanner.scan_all("a\n\nb goes on") == []
    assert scanner.scan_all("a\n\nb goes on\n\nc\n") == [14]


def test_splitter_stopped_by_its_deadline_cuts_no_empty_piece() -> None:
    """A deadline that has passed stops ``split`` after one piece (a burst on a busy machine):
    the boundaries it left are used next time, each once (an empty piece stopped the stream:
    the answer's flush divided by its length)."""
    text = "".join(f"{'lorem ipsum dolor ' * 2_500}end{n}.\n\n" for n in range(6))
    splitter = PieceSplitter()
    tail, pieces = "", []
    for i in range(0, len(text), 20_000):
        tail += text[i : i + 20_000]
        while found := splitter.split(tail, deadline=0.0):
            tail = tail[sum(len(p.source) for p in found) :]
            pieces += found
    assert pieces and all(p.source for p in pieces)
    assert "".join(p.source for p in pieces) + tail == text


def test_code_in_a_numbered_step_is_cut_inside_the_item(renderer: MarkdownRenderer) -> None:
    code = "".join(f"value_{i} = compute({i})\n" for i in range(600))
    indented = "".join(f"   {line}\n" for line in code.splitlines())
    text = f"1. First\n2. Create it:\n   ```python\n{indented}   ```\n3. Run it\n4. Done\n"
    pieces = split_pieces(text)
    inside = [p for p in pieces if p.opens is not None and p.opens.depth]
    assert inside and all(p.opens == Seam(CODE, "2.\n   ```python\n", depth=1) for p in inside)
    blocks: list[str] = []
    html = []
    for piece in pieces:
        rendered = renderer.render(
            piece.source, first_code_index=len(blocks), opens=piece.opens, closes=piece.closes
        )
        if rendered.continued_code is not None:
            blocks[-1] += rendered.continued_code
        blocks += rendered.code_blocks
        html.append(rendered.html)
    assert blocks == [code]  # Copy copies the whole block, cut or not
    continued = html[pieces.index(inside[0])]
    # the rest of step 2 sits in an item whose marker is hidden; step 3 is numbered 3
    assert continued.startswith('<ol start="2" style="list-style-type: none; margin-top: 0px;')
    assert 'href="copy:' not in continued
    assert '<ol start="3" style="margin-top: 0px;' in "".join(html)


def test_a_long_sub_list_is_cut_between_its_items(renderer: MarkdownRenderer) -> None:
    subs = "".join(f"  - sub item {k} with a few words\n" for k in range(400))
    text = f"- first\n- second\n{subs}- third\n"
    pieces = split_pieces(text)
    assert any(p.opens == Seam(LIST, "-\n", depth=1) for p in pieces)
    html = "".join(renderer.render(p.source, opens=p.opens, closes=p.closes).html for p in pieces)
    assert html.count("<li>") == 403 + sum(1 for p in pieces if p.opens and p.opens.depth)
