"""Save a document with a password to open, by LibreOffice over UNO (run by the Python that has
``uno``: ``/usr/bin/python3 lo_password.py SOURCE TARGET FILTER PASSWORD``). Used only to make
the password-protected samples; starts and ends its own headless office in a throw-away profile."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue


def _props(**values: object) -> tuple[object, ...]:
    return tuple(PropertyValue(Name=k, Value=v) for k, v in values.items())


def main(source: str, target: str, filter_name: str, password: str) -> int:
    with tempfile.TemporaryDirectory(prefix="jixiao-lo-pw-") as profile:
        pipe = f"jixiao-pw-{time.monotonic_ns()}"
        office = subprocess.Popen(
            ["soffice", f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
             f"--accept=pipe,name={pipe};urp;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            local = uno.getComponentContext()
            resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
            for _ in range(600):
                try:
                    ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                    break
                except Exception:
                    time.sleep(0.1)
            desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
            doc = desktop.loadComponentFromURL(
                uno.systemPathToFileUrl(str(Path(source).resolve())), "_blank", 0, _props(Hidden=True)
            )
            doc.storeToURL(
                uno.systemPathToFileUrl(str(Path(target).resolve())),
                _props(FilterName=filter_name, Password=password, Overwrite=True),
            )
            doc.close(True)
            with contextlib.suppress(Exception):  # the office may be gone already
                desktop.terminate()
        finally:
            try:
                office.wait(timeout=30)
            except subprocess.TimeoutExpired:
                office.kill()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:5]))
