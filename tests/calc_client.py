"""Fill a workbook in LibreOffice Calc through UNO, as a unit's staff would, and save it.

Run by the system Python that has LibreOffice's ``uno`` module (Debian: python3-uno),
not by the project's virtual environment:

    /usr/bin/python3 tests/calc_client.py job.json

``job.json``: {"source": path, "target": path, "filter": "Calc MS Excel 2007 XML",
"sheet": "台账", "cells": {"J5": "已完成", "L9": 6, ...}, "profile": dir}. A string is
typed as text (setString), a number as a number (setValue); the workbook is opened,
filled and stored by Calc itself, so what comes back is what Calc writes.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
import uuid

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]


def props(**values: object) -> tuple:
    found = []
    for name, value in values.items():
        prop = PropertyValue()
        prop.Name, prop.Value = name, value
        found.append(prop)
    return tuple(found)


def connect(pipe: str, office: subprocess.Popen) -> object:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + 90
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            if office.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def fill(desktop: object, job: dict) -> None:
    url = uno.systemPathToFileUrl(os.path.abspath(job["source"]))
    document = desktop.loadComponentFromURL(url, "_blank", 0, props(Hidden=True))
    try:
        sheet = document.Sheets.getByName(job.get("sheet", "台账"))
        for address, value in job["cells"].items():
            cell = sheet.getCellRangeByName(address)
            if isinstance(value, str):
                cell.setString(value)
            else:
                cell.setValue(value)
        target = uno.systemPathToFileUrl(os.path.abspath(job["target"]))
        document.storeToURL(target, props(FilterName=job["filter"], Overwrite=True))
    finally:
        document.close(True)


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        jobs = json.load(handle)
    pipe = f"plandocs-{uuid.uuid4().hex}"
    profile = uno.systemPathToFileUrl(os.path.abspath(jobs[0]["profile"]))
    office = subprocess.Popen(
        [
            os.environ.get("SOFFICE", "soffice"),
            f"-env:UserInstallation={profile}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            f"--accept=pipe,name={pipe};urp;",
        ]
    )
    try:
        context = connect(pipe, office)
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context
        )
        for job in jobs:
            fill(desktop, job)
        with contextlib.suppress(Exception):  # the bridge goes down with the office
            desktop.terminate()
        office.wait(60)
    finally:
        if office.poll() is None:
            office.kill()


if __name__ == "__main__":
    main()
