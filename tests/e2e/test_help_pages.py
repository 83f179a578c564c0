#!/usr/bin/python3
"""The help the dialog's Help button opens: every locale's gimp-help.xml is
well formed, maps the dialog's help id, and points at pages that exist."""
import os
import sys
import xml.etree.ElementTree as ET

help_dir = os.path.join(sys.argv[1], "data", "help")
dialog_source = open(os.path.join(sys.argv[1], "ui", "impasto-dialog.c"), encoding="utf-8").read()
locales = sorted(os.listdir(help_dir))
assert "en" in locales, locales
for locale in locales:
    root = ET.parse(os.path.join(help_dir, locale, "gimp-help.xml")).getroot()
    assert root.tag == "gimp-help"
    ids = {item.get("id"): item.get("ref") for item in root.iter("help-item")}
    assert "plug-in-impasto" in ids, ids
    assert '#define HELP_ID "plug-in-impasto"' in dialog_source, "the dialog uses another help id"
    for ref in list(ids.values()) + [m.get("ref") for m in root.iter("help-missing")]:
        page = os.path.join(help_dir, locale, ref)
        assert os.path.isfile(page), page
        assert "<h1>" in open(page, encoding="utf-8").read()
    print("%s: %d help ids, pages present" % (locale, len(ids)))
print("1 passed, 0 failed")
