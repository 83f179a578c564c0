#!/usr/bin/env python3
"""Fails when a lower layer includes a header of a higher one.

Layers, lowest first (docs/architecture.md): core, common (front-end
neutral C), then the GEGL ops (plugin/) and the dialog (ui/) side by side,
then the GIMP plug-in program (plugin/gimp/). Inside core, the folders of
core/src in the order their READMEs give, above the public headers. A file
may include headers of its own layer and of the layers below it only.
    check_layering.py SOURCE_ROOT [STAMP]
The build runs it (tests/meson.build) and touches STAMP when all is well.
"""
import pathlib
import re
import sys

LAYERS = [  # (name, folder, level); the longest matching folder counts
    ("core API", "core/include", 0),
    ("kernels", "core/src/kernels", 1),
    ("formats", "core/src/formats", 1),
    ("images", "core/src/images", 1),
    ("runtime", "core/src/runtime", 2),
    ("temporal", "core/src/temporal", 2),
    ("networks", "core/src/networks", 3),
    ("style models", "core/src/style_models", 3),
    ("optimisation", "core/src/optimisation", 4),
    ("core", "core", 5),  # core/src/api, core/tools
    ("common", "common", 6),
    ("ops", "plugin", 7),
    ("dialog", "ui", 7),
    ("plug-in", "plugin/gimp", 8),
    ("command line", "cli", 8),
]
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)


def layer_of(path, root):
    rel = path.relative_to(root).as_posix()
    best = None
    for name, folder, level in LAYERS:
        if rel.startswith(folder + "/") and (best is None or len(folder) > len(best[1])):
            best = (name, folder, level)
    return best


def main():
    root = pathlib.Path(sys.argv[1]).resolve()
    sources = [p for p in root.glob("**/*") if p.suffix in (".c", ".h", ".cpp") and layer_of(p, root)]
    owner = {}  # header file name -> layer
    for path in sources:
        if path.suffix == ".h":
            layer = layer_of(path, root)
            owner.setdefault(path.name, layer)
    problems = []
    for path in sources:
        mine = layer_of(path, root)
        for header in INCLUDE.findall(path.read_text(errors="replace")):
            theirs = owner.get(pathlib.PurePosixPath(header).name)
            if theirs is None or theirs[0] == mine[0]:
                continue
            if theirs[2] >= mine[2]:
                problems.append(f"{path.relative_to(root)} ({mine[0]}) includes {header} ({theirs[0]})")
    for line in problems:
        print(line)
    if problems:
        print(f"{len(sources)} files checked, {len(problems)} includes against the layering")
    if problems:
        return 1
    if len(sys.argv) > 2:
        pathlib.Path(sys.argv[2]).touch()
    return 0


if __name__ == "__main__":
    sys.exit(main())
