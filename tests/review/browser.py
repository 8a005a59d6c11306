"""Helpers of the report's tests: Debian's Chromium driven by Playwright (never a downloaded
browser), page watchers that collect errors and requests, and a markup audit."""

from __future__ import annotations

import base64
import hashlib
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Dialog,
    Locator,
    Page,
    Playwright,
    Request,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

# ------------------------------------------------------------------------------ helpers


def launch_chromium(playwright: Playwright, executable: Path = CHROMIUM) -> Browser:
    """Debian's Chromium, or a test failure that says how to get it (never a silent skip, never a
    download: Playwright's own browsers are not used)."""
    if not executable.exists():
        pytest.fail(
            f"{executable} not found: the report tests need Debian's Chromium. "
            "Install it with `apt-get install chromium` (do not run `playwright install`).",
            pytrace=False,
        )
    return playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS, headless=True)


@dataclass
class Watched:
    page: Page
    url: str
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.errors == []
        assert self.dialogs == []
        assert {r.split("#")[0] for r in self.requests} <= {self.url}, self.requests  # no network


@contextmanager
def opened(browser: Browser, path: Path) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1300, "height": 900}, locale="zh-CN")
    page = context.new_page()
    w = Watched(page, path.resolve().as_uri())

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error":
            w.errors.append(f"console: {msg.text}")

    def on_dialog(dialog: Dialog) -> None:
        w.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_request(request: Request) -> None:
        w.requests.append(request.url)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: w.errors.append(f"pageerror: {exc}"))
    page.on("dialog", on_dialog)
    page.on("request", on_request)
    try:
        page.goto(w.url)
        yield w
    finally:
        context.close()


def visible_rows(page: Page) -> Locator:
    return page.locator("#form-rows tr:not([hidden])")


def sort_values(page: Page, column: int) -> list[str]:
    values: list[str] = page.eval_on_selector_all(
        "#form-rows tr:not([hidden])", f"rows => rows.map(r => r.cells[{column}].getAttribute('data-v'))"
    )
    return values


def focused_cells(section: Locator) -> dict[str, str]:
    cells: list[list[str]] = section.locator("td.focus").evaluate_all(
        "tds => tds.map(td => [td.getAttribute('data-k'), td.textContent])"
    )
    return dict((k, v) for k, v in cells)


def colours(png: bytes) -> set[tuple[int, int, int]]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    found = image.getcolors(maxcolors=1 << 24)
    assert found is not None
    return {c for _, c in found}


class Markup(HTMLParser):
    """Every tag, attribute, script and style of a document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.data: list[str] = []  # JSON data blocks (not executed)
        self.sources: list[str] = []  # <script src> (the multi-file report's data files)
        self._raw: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script" and dict(attrs).get("type") == "application/json":
            self._raw = "data"
            self.data.append("")
        elif tag == "script" and dict(attrs).get("src"):
            self.sources.append(str(dict(attrs)["src"]))
        elif tag in ("script", "style"):
            self._raw = tag
            (self.scripts if tag == "script" else self.styles).append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._raw:
            self._raw = None

    def handle_data(self, data: str) -> None:
        if self._raw == "script":
            self.scripts[-1] += data
        elif self._raw == "style":
            self.styles[-1] += data
        elif self._raw == "data":
            self.data[-1] += data


ALLOWED_TAGS = frozenset(
    """html head meta title style body header nav main section div span strong b p a h2 h3 ul ol li dl dt dd
    table caption thead tbody tr th td code details summary label input select option button figure
    figcaption svg line text rect script img""".split()  # noqa: SIM905
)


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


#: Links and sources of a multi-file report: its own files, by relative names we build.
OWN_FILE = r"(\.\./)?[\w.%-]+(/[\w.%-]+)*\.(html|js|webp)"


def audit_markup(html_text: str, own_files: bool = False) -> Markup:
    """The structure every report must have, whatever the data: what an attacker would need
    (a tag, a handler, a URL, a style) is simply not there. ``own_files``: a page of a
    multi-file report, which links to and loads its own files (never anything else)."""
    m = Markup()
    m.feed(html_text)
    m.close()
    names = {tag for tag, _ in m.tags}
    assert names <= ALLOWED_TAGS, names - ALLOWED_TAGS
    ids = [a["id"] for _, a in m.tags if a.get("id")]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for tag, attrs in m.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name not in ("style", "srcdoc", "action", "formaction", "xlink:href"), (tag, name)
            if name == "src":
                assert value is not None and tag in ("img", "script"), (tag, value)
                if tag == "img" and not own_files:
                    assert re.fullmatch(r"data:image/webp;base64,[A-Za-z0-9+/=]+", value), value[:60]
                else:
                    assert own_files and re.fullmatch(OWN_FILE, value), value
            if name == "href":
                assert value is not None
                if own_files and not value.startswith("#"):
                    assert re.fullmatch(OWN_FILE + r"(#[A-Za-z0-9-]+)?", value), value
                else:
                    assert re.fullmatch(r"#[A-Za-z0-9-]+", value), value
                    assert value[1:] in ids, f"link to a missing anchor {value}"
    assert len(m.scripts) == 1 and len(m.styles) == 1 and len(m.data) <= 1
    (csp,) = [
        a["content"] for t, a in m.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert csp is not None
    policy = dict(part.strip().partition(" ")[::2] for part in csp.split(";"))
    assert policy["default-src"] == "'none'"
    assert policy["style-src"] == sha256_source(m.styles[0])
    # a multi-file report: its index loads its data scripts, its form pages their crop images
    own_scripts, own_images = (bool(m.sources), not m.sources) if own_files else (False, False)
    assert policy["script-src"] == sha256_source(m.scripts[0]) + (" 'self'" if own_scripts else "")
    assert policy["img-src"] == "data:" + (" 'self'" if own_images else "")
    # the first thing in <head> after the charset: it governs everything below
    assert [t for t, _ in m.tags[:4]] == ["html", "head", "meta", "meta"]
    return m
