"""Check a built release (``tox -e package``): ``python .ci/check_dist.py DIST``.

DIST holds the sdist and the wheel that ``python -m build`` made. Runs ``twine check
--strict`` on both, then checks that both carry the templates, ``py.typed`` and the
LICENSE, that their version is ``schema_sync_hook.__version__`` (the one place it is
written) and that CHANGELOG.md has a section for that version.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "hook" / "schema_sync_hook"


def version() -> str:
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets
        ):
            return str(ast.literal_eval(node.value))
    raise SystemExit("no __version__ in schema_sync_hook/__init__.py")


def main(argv: list[str]) -> int:
    dist = Path(argv[0])
    [wheel] = dist.glob("*.whl")
    [sdist] = dist.glob("*.tar.gz")
    subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(wheel), str(sdist)], check=True
    )
    ver = version()
    templates = sorted(p.name for p in (PACKAGE / "render" / "templates").glob("*.j2"))
    problems: list[str] = []

    names = zipfile.ZipFile(wheel).namelist()
    info = f"schema_sync_hook-{ver}.dist-info"
    wanted = [f"schema_sync_hook/render/templates/{t}" for t in templates]
    wanted += ["schema_sync_hook/py.typed", f"{info}/licenses/LICENSE", f"{info}/METADATA"]
    problems += [f"{wheel.name} lacks {n}" for n in wanted if n not in names]

    with tarfile.open(sdist) as tar:
        members = {m.name.split("/", 1)[1] for m in tar.getmembers() if "/" in m.name}
    wanted = [f"hook/schema_sync_hook/render/templates/{t}" for t in templates]
    wanted += ["hook/schema_sync_hook/py.typed", "LICENSE", "README.md"]
    problems += [f"{sdist.name} lacks {n}" for n in wanted if n not in members]

    if not wheel.name.startswith(f"schema_sync_hook-{ver}-"):
        problems.append(f"{wheel.name}: not version {ver}")
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    if not re.search(rf"^## {re.escape(ver)}\b", changelog, re.MULTILINE):
        problems.append(f"CHANGELOG.md has no '## {ver}' section")

    for problem in problems:
        print(f"check_dist: {problem}", file=sys.stderr)
    if not problems:
        print(f"check_dist: {wheel.name} and {sdist.name} carry {', '.join(templates)}, "
              "py.typed and LICENSE")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
