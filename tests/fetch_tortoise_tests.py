"""Download the tortoise-orm sdist matching the installed version; extract its tests/.

    python tests/fetch_tortoise_tests.py DEST

Writes DEST/testmodels.py (and the rest of that tests/ folder). The differential
test reads the path from TORTOISE_TESTMODELS.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import tortoise


def main() -> int:
    dest = Path(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--no-binary",
                ":all:",
                f"tortoise-orm=={tortoise.__version__}",
                "-d",
                tmp,
            ],
            check=True,
        )
        [archive] = Path(tmp).glob("tortoise*orm-*.tar.gz")
        with tarfile.open(archive) as tar:
            members = [m for m in tar.getmembers() if "/tests/" in m.name and m.isfile()]
            for member in members:
                relative = Path(member.name.split("/tests/", 1)[1])
                target = dest / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                extracted = tar.extractfile(member)
                assert extracted is not None
                target.write_bytes(extracted.read())
    print(dest / "testmodels.py")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
