"""A hostile corpus, generated (never committed as binaries): what an attacker or a careless
operator would put in a submissions folder, each file with what jixiao must make of it.

* names: not UTF-8 (a GBK name from an unzipped archive, stray bytes), escape codes, bidi
  overrides and isolates, tag characters, a line break — each a good form that must be read;
* bounded work: ``gridSpan``/``gridBefore``/``gridAfter`` of 2³¹ and 10¹² in a real form;
* limits: nesting deeper than the XML parser's limit, a 10 MB text node and attribute, entity
  bombs, XXE in its forms, an absurd PDF page count;
* damage: a corrupt deflate stream, truncations, deleted and duplicated zip members, a broken
  PDF page tree and xref, seeded bit flips.

``build(out, seed)`` writes it and returns the expectations by file name (bytes: names are bytes
on Linux). ``python -m tests.fuzz DIR [--seed N] [--flips N]`` writes one to look at.
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import random
import re
import sys
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT, SAMPLES
from tests.pdfgen import Page
from tests.pdfgen import build as build_pdf
from tests.wordml import docx, p

sys.path.insert(0, str(ROOT / "sample_docs" / "build"))
from docxkit import replace_in_document

FORM = SAMPLES / "clean_form_no_findings.docx"
FORM_NAME = "农村公路养护工程补助资金"
PDF = SAMPLES / "seed_datong_2021.pdf"
#: A line of /etc/passwd: if it shows up in any table, an entity or include was followed.
PASSWD_MARK = "root:x:0:0"


@dataclass(frozen=True, slots=True)
class Expect:
    """What a file must become: a status and code (None: any outcome that is not ``internal``),
    and text its sources warnings must contain."""

    status: str | None = None
    code: str | None = None
    warning: str | None = None
    forms: int | None = None


def _form(i: int) -> bytes:
    """A distinct copy of a real one-form .docx (its project name numbered)."""
    return replace_in_document(FORM.read_bytes(), FORM_NAME, f"{FORM_NAME}{i:03d}")


def _members(data: bytes, *, drop: str | None = None, twice: str | None = None) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": the point of this file
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                if info.filename == drop:
                    continue
                dst.writestr(info, src.read(info.filename))
                if info.filename == twice:
                    dst.writestr(info.filename, b"<w:document/>")
    return out.getvalue()


def corrupt_deflate(data: bytes, member: str = "word/document.xml") -> bytes:
    """The zip with ``member``'s deflate stream made invalid (a reserved block type at its
    start: ``zlib.error: invalid block type``) but every header intact."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    at = info.header_offset
    name_len = int.from_bytes(data[at + 26 : at + 28], "little")
    extra_len = int.from_bytes(data[at + 28 : at + 30], "little")
    start = at + 30 + name_len + extra_len
    return data[:start] + b"\x07" + data[start + 1 :]


def _entity_docx(prolog: str, text: str) -> bytes:
    return docx(p("项目支出绩效自评表") + p(text), prolog=prolog)


def _names(start: int) -> dict[bytes, tuple[bytes, Expect]]:
    names = [
        "自评表_GBK".encode("gbk") + b".docx",  # an archive unzipped with its Chinese names in GBK
        b"bad\xff\xfe name.docx",
        "\x1b]0;pwned\x07\x1b[2J清屏.docx".encode(),
        "invoice\u202excod.docx".encode(),  # shows as "invoicedocx.exe"-style spoofing
        "隔离\u2066右\u2069.docx".encode(),
        "tag\U000e0041\U000e0042.docx".encode(),
        b"new\nline.docx",
    ]
    ok = Expect("ok", None, forms=1)
    return {name: (_form(start + i), ok) for i, name in enumerate(names)}


def _bounded(form: bytes) -> dict[bytes, tuple[bytes, Expect]]:
    """The spans of a real form set to numbers no table has (issue 10: each ran to the time
    limit every night)."""
    span, row = '<w:gridSpan w:val="8"/>', "<w:tr>"  # the title row's span; every row
    read = Expect("ok", None, warning="grid columns", forms=1)
    return {
        b"gridspan_2e31.docx": (replace_in_document(form, span, '<w:gridSpan w:val="2147483648"/>'), read),
        b"gridspan_1e12.docx": (replace_in_document(form, span, '<w:gridSpan w:val="1000000000000"/>'), read),
        b"gridbefore_2e31.docx": (
            replace_in_document(form, row, '<w:tr><w:trPr><w:gridBefore w:val="2147483648"/></w:trPr>'),
            Expect(None, None, warning="grid columns"),
        ),
        b"gridafter_1e12.docx": (
            replace_in_document(form, row, '<w:tr><w:trPr><w:gridAfter w:val="1000000000000"/></w:trPr>'),
            Expect(None, None, warning="grid columns"),
        ),
    }


def _limits() -> dict[bytes, tuple[bytes, Expect]]:
    rng = random.Random(7)
    noise = base64.b64encode(rng.randbytes(8_000_000)).decode()  # ~10.7 MB, barely compressible
    deep = "<w:customXml>" * 300 + p("深") + "</w:customXml>" * 300
    laughs = (
        '<!DOCTYPE w:document [<!ENTITY a "AAAAAAAAAA">'
        + "".join(f'<!ENTITY {c} "{("&" + prev + ";") * 10}">' for prev, c in zip("abcdefgh", "bcdefghi", strict=True))
        + "]>"
    )
    limit = Expect("failed", "resource_limit")
    return {
        b"deep_nesting.docx": (docx(p("项目支出绩效自评表") + deep), limit),
        b"text_node_10mb.docx": (docx(p(noise)), limit),
        b"attribute_10mb.docx": (docx(f'<w:p w:rsidR="{noise}"/>'), limit),
        b"billion_laughs.docx": (_entity_docx(laughs, "&i;"), limit),
        b"xxe_system.docx": (
            _entity_docx('<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;"),
            limit,
        ),
        b"xxe_parameter.docx": (
            _entity_docx(
                '<!DOCTYPE w:document [<!ENTITY % x SYSTEM "file:///etc/passwd"> %x;]>', "参数实体"
            ),
            limit,
        ),
        b"xxe_public_dtd.docx": (
            _entity_docx('<!DOCTYPE w:document SYSTEM "http://127.0.0.1:9/evil.dtd">', "外部DTD"),
            limit,
        ),
        b"xinclude.docx": (
            docx(
                p("项目支出绩效自评表")
                + '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd" parse="text"/>'
            ),
            Expect("skipped", "no_form"),
        ),
        b"pages_absurd.pdf": (_absurd_page_count(), Expect()),
    }


def _absurd_page_count() -> bytes:
    data = build_pdf([Page().text(50, 50, "one page")])
    return re.sub(rb"/Count \d+", b"/Count 2147483647", data, count=1)


#: A one-page PDF's page dictionary and tree broken so that its pages cannot be built.
BROKEN_PAGES = {
    "kids_not_a_page": (rb"/Kids \[[^\]]*\]", b"/Kids [7]"),
    "mediabox_not_numbers": (rb"/MediaBox \[", b"/MediaBox [/x "),
    "mediabox_two_numbers": (rb"/MediaBox \[[^\]]*\]", b"/MediaBox [0 0]"),
    "rotate_not_a_number": (rb"/MediaBox", b"/Rotate /x /MediaBox"),
}


def broken_pages(name: str) -> bytes:
    change, into = BROKEN_PAGES[name]
    return re.sub(change, into, build_pdf([Page().text(50, 50, "one page")]), count=1)


def _damaged(form: bytes, pdf: bytes) -> dict[bytes, tuple[bytes, Expect]]:
    corrupt = Expect("failed", "corrupt")
    out: dict[bytes, tuple[bytes, Expect]] = {
        b"corrupt_deflate.docx": (corrupt_deflate(form), corrupt),
        b"no_document_part.docx": (_members(form, drop="word/document.xml"), corrupt),
        b"no_content_types.docx": (_members(form, drop="[Content_Types].xml"), Expect()),
        b"document_twice.docx": (_members(form, twice="word/document.xml"), Expect()),
        b"pdf_no_xref.pdf": (re.sub(rb"startxref\s+\d+", b"startxref\n999999999", pdf), Expect()),
    }
    for name in BROKEN_PAGES:
        out[f"pdf_{name}.pdf".encode()] = (broken_pages(name), corrupt)
    for n, cut in enumerate((0.1, 0.5, 0.9)):
        out[f"truncated_{n}.docx".encode()] = (form[: int(len(form) * cut)], corrupt)
        out[f"truncated_{n}.pdf".encode()] = (pdf[: int(len(pdf) * cut)], Expect())
    return out


def _flipped(data: bytes, rng: random.Random, flips: int) -> bytes:
    buf = bytearray(data)
    for _ in range(flips):
        at = rng.randrange(len(buf))
        buf[at] ^= 1 << rng.randrange(8)
    return bytes(buf)


def build(out: Path, seed: int = 10, flips: int = 12) -> dict[bytes, Expect]:
    """Write the corpus into ``out``; the expectation for each file, by its name (bytes)."""
    rng = random.Random(seed)
    form, pdf = _form(0), PDF.read_bytes()
    cases: dict[bytes, tuple[bytes, Expect]] = {}
    cases.update(_names(1))
    cases.update(_bounded(form))
    cases.update(_limits())
    cases.update(_damaged(form, pdf))
    for i in range(flips):
        base, ext = (_form(100 + i), b"docx") if i % 3 else (pdf, b"pdf")
        cases[b"flip_%03d.%s" % (i, ext)] = (_flipped(base, rng, rng.choice((1, 4, 32))), Expect())
    out.mkdir(parents=True, exist_ok=True)
    folder = os.fsencode(out)
    for name, (data, _) in cases.items():
        with open(os.path.join(folder, name), "wb") as fh:
            fh.write(data)
    return {name: expect for name, (_, expect) in cases.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=10)
    ap.add_argument("--flips", type=int, default=12, help="bit-flipped copies of real files")
    args = ap.parse_args(argv)
    expect = build(args.out, args.seed, args.flips)
    print(f"{len(expect)} files → {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
