#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Prints the cells of the first worksheet of an .xlsx file, one row a
# line, cells as REF=TYPE:VALUE separated by tabs (TYPE n number, s text),
# with nothing but the standard library (zipfile and xml), for the API
# tests of the answer exports.
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}

with zipfile.ZipFile(sys.argv[1]) as z:
    strings = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
            strings.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
    sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    for row in sheet.find("m:sheetData", NS).findall("m:row", NS):
        cells = []
        for c in row.findall("m:c", NS):
            v = c.find("m:v", NS)
            if c.get("t") == "s":
                cells.append("%s=s:%s" % (c.get("r"), strings[int(v.text)]))
            elif c.get("t") == "inlineStr":
                cells.append("%s=s:%s" % (c.get("r"), "".join(t.text or "" for t in c.iter("{%s}t" % NS["m"]))))
            else:
                cells.append("%s=n:%s" % (c.get("r"), v.text if v is not None else ""))
        print("\t".join(cells))
