"""The UNO side of the LibreOffice converter: run by the Python that has LibreOffice's ``uno``
module (Debian's ``python3-uno`` for /usr/bin/python3), never imported by jixiao itself.

``python3 unobridge.py CONNECTION CONNECT_SECONDS``: connects to a running ``soffice --accept``,
prints one JSON line ``{"ready": true, "version": "LibreOffice 7.4.7.2"}``, then reads one JSON
request per line from stdin and answers each with one JSON line:

    {"src": "/abs/in.doc", "dst": "/abs/out.docx", "filter": "MS Word 2007 XML"}
    → {"ok": true, "tables": [[rows, cells], …]}    the source's text tables as LibreOffice read them
    → {"ok": false, "error": "…", "fatal": false}   this file failed; the office is still usable
    → {"ok": false, "error": "…", "fatal": true}    the office is gone (crashed, killed): start anew

Documents are opened hidden, read-only, with macros never run and links never updated (the input
is untrusted). On end of input the office is told to terminate. Standard library and ``uno`` only.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from typing import Any

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.lang import DisposedException

#: com.sun.star.document.MacroExecMode.NEVER_EXECUTE and UpdateDocMode.NO_UPDATE
NEVER_EXECUTE = 0
NO_UPDATE = 0


def _props(**values: Any) -> tuple[Any, ...]:
    return tuple(PropertyValue(Name=k, Value=v) for k, v in values.items())


def _send(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _connect(connection: str, seconds: float) -> Any:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + seconds
    while True:
        try:
            return resolver.resolve(f"uno:{connection};urp;StarOffice.ComponentContext")
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _version(ctx: Any) -> str:
    provider = ctx.ServiceManager.createInstanceWithContext(
        "com.sun.star.configuration.ConfigurationProvider", ctx
    )
    node = provider.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationAccess", _props(nodepath="/org.openoffice.Setup/Product")
    )
    return f"{node.getByName('ooName')} {node.getByName('ooSetupVersionAboutBox')}"


def _tables(doc: Any) -> list[list[int]]:
    """Rows and cells of every text table (merged cells counted once), in document order."""
    if not doc.supportsService("com.sun.star.text.TextDocument"):
        return []
    tables = doc.getTextTables()
    out = []
    for i in range(tables.getCount()):
        table = tables.getByIndex(i)
        out.append([table.getRows().getCount(), len(table.getCellNames())])
    return out


def _convert(desktop: Any, request: dict[str, Any]) -> dict[str, Any]:
    doc = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(request["src"]),
        "_blank",
        0,
        _props(Hidden=True, ReadOnly=True, MacroExecutionMode=NEVER_EXECUTE, UpdateDocMode=NO_UPDATE),
    )
    if doc is None:
        return {"ok": False, "error": "LibreOffice could not open the file", "fatal": False}
    try:
        tables = _tables(doc)
        doc.storeToURL(
            uno.systemPathToFileUrl(request["dst"]), _props(FilterName=request["filter"], Overwrite=True)
        )
    finally:
        doc.close(True)
    return {"ok": True, "tables": tables}


def main(argv: list[str]) -> int:
    try:
        ctx = _connect(argv[1], float(argv[2]))
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        _send({"ready": True, "version": _version(ctx)})
    except Exception as e:
        _send({"ready": False, "error": f"{type(e).__name__}: {e}"})
        return 1
    for line in sys.stdin:
        try:
            _send(_convert(desktop, json.loads(line)))
        except DisposedException as e:
            _send({"ok": False, "error": f"the office went away ({e})", "fatal": True})
            return 1
        except Exception as e:
            _send({"ok": False, "error": f"{type(e).__name__}: {e}", "fatal": False})
    with contextlib.suppress(Exception):  # it may be gone already
        desktop.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
