"""Make a returned copy with LibreOffice itself: open the .docx, turn on change tracking,
replace words, save as Word 2007+ (run by Debian's python3, which has the `uno` bridge;
the tests call it as a subprocess). Comments are left to tests/wordlike.py: LibreOffice
7.4 headless crashes saving a .docx with an annotation inserted through UNO.

    python3 tests/lo_review_copy.py IN.docx OUT.docx PROFILE_DIR '[["old", "new"], …]'
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main(src: str, dst: str, profile: str, edits: str) -> int:
    pipe = f"plandoc{uuid.uuid4().hex}"
    office = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore",
                               f"-env:UserInstallation=file://{profile}",
                               f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(200):
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:  # not listening yet
                time.sleep(0.3)
        else:
            print("LibreOffice did not start", file=sys.stderr)
            return 2
        smgr = ctx.ServiceManager
        config = smgr.createInstanceWithContext("com.sun.star.configuration.ConfigurationProvider", ctx)
        user = config.createInstanceWithArguments(
            "com.sun.star.configuration.ConfigurationUpdateAccess",
            (prop("nodepath", "/org.openoffice.UserProfile/Data"),))
        user.setPropertyValue("givenname", "LibreOffice")
        user.setPropertyValue("sn", "审阅人")
        user.commitChanges()
        desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0,
                                           (prop("Hidden", True),))
        doc.RecordChanges = True
        for old, new in json.loads(edits):
            search = doc.createReplaceDescriptor()
            search.SearchString, search.ReplaceString = old, new
            assert doc.replaceAll(search) == 1, old
        doc.storeToURL(uno.systemPathToFileUrl(dst), (prop("FilterName", "MS Word 2007 XML"),))
        doc.close(True)
        try:
            desktop.terminate()
        except Exception:  # the bridge closes as the office quits
            pass
    finally:
        try:
            office.wait(timeout=60)
        except subprocess.TimeoutExpired:
            office.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
