"""The HTML page: self-contained, escapes everything, lists every issue with its source."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest
from sample_runs import HOSTILE, sample_run

from tradestd.report import RunResult
from tradestd.report.html import HtmlReporter


def _find(element: lxml.html.HtmlElement, selector: str) -> list[lxml.html.HtmlElement]:
    """Descendants matching ``tag.class`` or ``tag`` (lxml's cssselect needs an extra package)."""
    tag, _, cls = selector.partition(".")
    test = f"[contains(concat(' ', @class, ' '), ' {cls} ')]" if cls else ""
    found: list[lxml.html.HtmlElement] = element.xpath(f".//{tag or '*'}{test}")
    return found


def _page(run: RunResult) -> tuple[str, lxml.html.HtmlElement]:
    out = io.StringIO()
    HtmlReporter().render(run, out)
    return out.getvalue(), lxml.html.document_fromstring(out.getvalue())


def test_every_issue_is_listed_under_its_file(tmp_path: Path) -> None:
    run = sample_run(tmp_path)
    _, page = _page(run)
    sections = _find(page, "section.file")
    assert [_find(s, "h2")[0].text_content() for s in sections] == \
        [r.source for r in run.reports]
    for section, report in zip(sections, run.reports, strict=True):
        items = _find(section, "li.issue")
        assert [_find(i, "code.code")[0].text_content().split(" ")[0] for i in items] == \
            [i.code for i in sorted(report.issues, key=lambda i: i.sort_key)]
        for item, issue in zip(items, sorted(report.issues, key=lambda i: i.sort_key),
                               strict=True):
            assert f"sev-{issue.severity.value}" in item.classes
            assert _find(item, ".msg")[0].text_content() == issue.message
        assert ("invalid" in section.classes) == report.failed()
    cells = _find(_find(page, "table.summary")[0], "td")
    counts = {td.get("class"): td.text_content() for td in cells}
    assert counts["count-files"] == "11" and counts["count-invalid"] == "6"


def test_source_lines_around_each_issue(tmp_path: Path) -> None:
    _, page = _page(sample_run(tmp_path))
    first = _find(_find(page, "section.file")[0], "li.issue")[0]
    lines = _find(_find(first, "pre.src")[0], "span")
    assert [_find(s, "i")[0].text_content() for s in lines] == ["6", "7", "8", "9", "10"]
    hit = _find(_find(first, "pre.src")[0], "span.hit")[0]
    assert "<OriginCountry>de</OriginCountry>" in hit.text_content()
    stdin = _find(page, "section.file")[9]
    assert _find(stdin, "h2")[0].text_content() == "<stdin>"
    assert not _find(stdin, "pre.src")


def test_hostile_text_is_escaped_and_nothing_is_external(tmp_path: Path) -> None:
    text, page = _page(sample_run(tmp_path))
    assert HOSTILE not in text
    scripts = _find(page, "script")
    assert len(scripts) == 1 and "alert" not in scripts[0].text_content()
    assert any(HOSTILE in m.text_content() for m in _find(page, ".msg"))
    assert not page.xpath("//@src | //link | //@href[not(starts-with(., '#'))]")


def test_max_issues_says_what_was_left_out(tmp_path: Path) -> None:
    _, page = _page(sample_run(tmp_path, max_issues=1))
    first = _find(page, "section.file")[0]
    assert len(_find(first, "li.issue")) == 1
    assert _find(first, "li.omitted")[0].text_content().startswith("2 more issues")


def test_contents_link_every_invalid_file(tmp_path: Path) -> None:
    run = sample_run(tmp_path)
    _, page = _page(run)
    links = _find(_find(page, "nav.toc")[0], "a")
    targets = [page.get_element_by_id(a.get("href")[1:]) for a in links]
    assert [_find(t, "h2")[0].text_content() for t in targets] == \
        [r.source for r in run.reports if r.failed()]


BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(BROWSER is None, reason="no headless Chromium on this machine")
def test_page_script_runs_in_a_browser(tmp_path: Path) -> None:
    """The filter script ran: info issues start hidden (their box is unchecked)."""
    page = tmp_path / "report.html"
    with page.open("w", encoding="utf-8") as fh:
        HtmlReporter().render(sample_run(tmp_path), fh)
    assert BROWSER is not None
    done = subprocess.run(
        [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--no-first-run", "--disable-extensions",
         "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=60, check=True)
    rendered = lxml.html.document_fromstring(done.stdout)
    assert rendered.body.get("class") == "hide-info"
    assert len(_find(rendered, "li.issue")) == 12
