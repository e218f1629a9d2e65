"""The web page in a real headless Chromium (from the OS packages), driven by Playwright.

Skipped only where no browser is installed (``apt-get install chromium``) or Playwright
is missing (``pip install -e '.[browser-test]'``); no browser is ever downloaded.
``TRADESTD_SCREENSHOT=path.png`` keeps a screenshot of the page with a report.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed: "
                                      "pip install -e '.[serve]'")
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: "
                                                             "pip install -e '.[browser-test]'")

from conftest import ROOT
from live_server import running_server

import tradestd
from tradestd.serve import ServeSettings, create_app

BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
BROWSER = next((p for p in BROWSERS if os.access(p, os.X_OK)), None) \
    or shutil.which("chromium") or shutil.which("chromium-browser")
if BROWSER is None:
    pytest.skip("no Chromium on this machine (apt-get install chromium); the page is not "
                "tested in a browser", allow_module_level=True)

# WCG 2 contrast of every visible element's own text against its painted background.
CONTRAST = """() => {
  const rgb = (s) => s.match(/[\\d.]+/g).map(Number);
  const lum = (c) => { const a = c.slice(0, 3).map((v) => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * a[0] + 0.7152 * a[1] + 0.0722 * a[2]; };
  const back = (el) => { for (; el; el = el.parentElement) {
    const c = rgb(getComputedStyle(el).backgroundColor);
    if (c.length < 4 || c[3] > 0) { return c; } } return [255, 255, 255]; };
  const low = [];
  document.querySelectorAll('body *').forEach((el) => {
    if (!el.getClientRects().length) { return; }
    if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) { return; }
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(back(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) { low.push(el.tagName + '.' + el.className + ' ' + ratio.toFixed(2)); }
  });
  return low;
}"""
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
VALID = ROOT / "fixtures" / "declaration" / "valid" / "export-nl-road-enveloped.xml"
INVALID = ROOT / "fixtures" / "declaration" / "invalid" / "lrn-too-long.xml"

pytestmark = pytest.mark.allow_loopback_server


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with running_server(create_app(ServeSettings())) as url:
        yield url


@pytest.fixture()
def page(base_url: str) -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=BROWSER, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900},
                                      accept_downloads=True)
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(base_url + "/")
        yield page
        context.close()
        browser.close()
    outside = [u for u in requests if not u.startswith((base_url, "blob:", "data:"))]
    assert not outside, f"the page reached outside the server: {outside}"


def test_validate_several_messages_and_read_the_issues(page: Any, tmp_path: Path) -> None:
    schema = page.get_by_label("Message type or schema set")
    sync_api.expect(schema.locator("option")).not_to_have_count(1)  # filled from /v1/schemas
    page.set_input_files("#files", [str(VALID), str(INVALID)])
    sync_api.expect(page.locator("#queue li")).to_have_count(2)
    page.get_by_label("Or paste a message").fill('<?xml version="1.0"?>\n<a>\n  <b>\n</a>\n')
    page.locator("#validate").focus()
    page.keyboard.press("Enter")  # the whole flow works from the keyboard
    verdict = page.locator("#verdict")
    sync_api.expect(verdict).to_contain_text("Invalid: 2 of 3 messages fail")
    tabs = page.get_by_role("tab")
    sync_api.expect(tabs).to_have_count(3)
    sync_api.expect(tabs.nth(0)).to_contain_text("(valid)")

    tabs.nth(0).focus()
    page.keyboard.press("ArrowRight")  # arrow keys move between messages
    sync_api.expect(tabs.nth(1)).to_have_attribute("aria-selected", "true")
    rows = page.locator("#issues tbody tr")
    sync_api.expect(rows.first).to_contain_text("SCHEMA_MAX_LENGTH")
    # the issue is shown inline on the source, at its line and column
    hit = page.locator("#source .ln.hit").first
    sync_api.expect(hit).to_have_attribute("id", "L1-4")
    sync_api.expect(hit.locator("mark")).to_contain_text("<dec:FunctionalReferenceID>")
    sync_api.expect(page.locator("#source .note").first).to_contain_text("SCHEMA_MAX_LENGTH")
    rows.first.get_by_role("button").click()
    sync_api.expect(page.locator("#L1-4")).to_be_focused()

    tabs.nth(2).click()
    sync_api.expect(page.locator("#source .ln.hit").first).to_contain_text("</a>")

    assert page.evaluate(CONTRAST) == []  # readable: every text at least 4.5:1
    screenshot = os.environ.get("TRADESTD_SCREENSHOT")
    tabs.nth(1).click()
    page.screenshot(path=screenshot or str(tmp_path / "page.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("button", name="SARIF").click()
    sarif = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
    with page.expect_download() as download:
        page.get_by_role("button", name="HTML").click()
    assert "tradestd validation report: failed" in Path(download.value.path()).read_text(
        encoding="utf-8")
    with page.expect_download() as download:
        page.get_by_role("button", name="JSON").click()
    report = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert [r["path"] for r in report["results"]] == [VALID.name, INVALID.name, "pasted-1.xml"]


def test_converted_view_and_chosen_schema(page: Any) -> None:
    page.get_by_label("Message type or schema set").select_option("wco-declaration@1.0")
    page.get_by_label("Or paste a message").fill(VALID.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Validate").click()
    sync_api.expect(page.locator("#verdict")).to_contain_text("Valid: the message passes")
    page.get_by_label("Converted to JSON").check()
    converted = page.locator("#converted pre")
    sync_api.expect(converted).to_contain_text('"FunctionalReferenceID"')
    schema_set = tradestd.bundled_registry().get("wco-declaration").schema_set()
    assert json.loads(converted.inner_text()) == schema_set.to_data(VALID)
    page.get_by_label("Message source with issues").check()
    sync_api.expect(page.locator("#source")).to_be_visible()


def test_pasted_json_converts_to_xml(page: Any) -> None:
    schema_set = tradestd.bundled_registry().get("wco-declaration").schema_set()
    page.get_by_label("Or paste a message").fill(schema_set.to_json(VALID, indent=2))
    page.get_by_role("button", name="Validate").click()
    sync_api.expect(page.locator("#verdict")).to_contain_text("Valid: the message passes")
    page.get_by_label("Converted to XML").check()
    converted = page.locator("#converted pre")
    sync_api.expect(converted).to_contain_text("<?xml")
    assert schema_set.to_data(converted.inner_text().encode()) == schema_set.to_data(VALID)


def test_server_errors_are_shown_not_swallowed(page: Any) -> None:
    page.get_by_role("button", name="Validate").click()
    sync_api.expect(page.locator("#verdict")).to_contain_text("add a file or paste a message")
