"""A minimal PDF writer for structural tests: ruled cells and Helvetica text, in top-left
coordinates like pdfplumber's. (The sample PDFs in sample_docs/ are real LibreOffice exports;
these tiny files isolate one layout question each.)"""

from __future__ import annotations

from dataclasses import dataclass, field


def _esc(s: str) -> str:
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


@dataclass
class Page:
    width: float = 595.0
    height: float = 842.0
    ops: list[str] = field(default_factory=list)
    image: bool = False

    def box(self, x0: float, top: float, x1: float, bottom: float) -> Page:
        """A cell's border rectangle."""
        self.ops.append(f"{x0:.2f} {self.height - bottom:.2f} {x1 - x0:.2f} {bottom - top:.2f} re S")
        return self

    def text(
        self, x: float, top: float, s: str, size: float = 10.0, *, rotate: int = 0, dx: float = 0.0
    ) -> Page:
        """Text whose glyph tops sit at ``top``. ``rotate`` 90 draws it top-to-bottom (tbRl)."""
        y = self.height - top - size * 0.8
        if rotate == 90:
            # glyphs advance downwards: matrix (0 -1 1 0)
            self.ops.append(
                f"BT /F1 {size} Tf 0 -1 1 0 {x + dx:.2f} {self.height - top:.2f} Tm ({_esc(s)}) Tj ET"
            )
        else:
            self.ops.append(f"BT /F1 {size} Tf 1 0 0 1 {x + dx:.2f} {y:.2f} Tm ({_esc(s)}) Tj ET")
        return self

    def grid(
        self,
        xs: list[float],
        ys: list[float],
        merged: dict[tuple[int, int], tuple[int, int]] | None = None,
        texts: dict[tuple[int, int], str] | None = None,
        size: float = 10.0,
    ) -> Page:
        """A ruled table: ``merged[(r, c)] = (row_span, col_span)``; cells covered by a merge are skipped."""
        merged = merged or {}
        covered: set[tuple[int, int]] = set()
        for (r, c), (rs, cs) in merged.items():
            covered |= {(rr, cc) for rr in range(r, r + rs) for cc in range(c, c + cs)} - {(r, c)}
        for r in range(len(ys) - 1):
            for c in range(len(xs) - 1):
                if (r, c) in covered:
                    continue
                rs, cs = merged.get((r, c), (1, 1))
                self.box(xs[c], ys[r], xs[c + cs], ys[r + rs])
                if texts and (r, c) in texts:
                    self.text(xs[c] + 2, ys[r] + 2, texts[(r, c)], size)
        return self


def build(pages: list[Page]) -> bytes:
    objs: list[bytes] = []

    def add(body: bytes) -> int:
        objs.append(body)
        return len(objs)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    image = add(
        b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream"
    )
    pages_id = len(objs) + 1 + 2 * len(pages)
    kids = []
    for p in pages:
        ops = list(p.ops)
        if p.image:
            ops.insert(0, f"q {p.width:.2f} 0 0 {p.height:.2f} 0 0 cm /Im1 Do Q")
        stream = "\n".join(ops).encode("latin-1")
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R >> /XObject << /Im1 %d 0 R >> >> >>"
                % (pages_id, p.width, p.height, content, font, image)
            )
        )
    assert (
        add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids)))
        == pages_id
    )
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, catalog, xref)
    return bytes(out)
