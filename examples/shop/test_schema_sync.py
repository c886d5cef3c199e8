"""The seed's smoke test: ``python test_schema_sync.py`` from examples/shop.

Checks the configuration, the backups, the generation and the sync state of
this project with schema-sync-hook, and prints one line per check.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
RULE = "=" * 80


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "schema_sync_hook", *args, "--root", str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )


def main() -> int:
    checks = {
        "config": lambda: run("status", "--json").returncode == 0,
        "backup": lambda: run("backup", "list", "--json").returncode == 0,
        "generation": lambda: run("--check", "--no-cache").returncode == 0,
        "sync": lambda: run("validate").returncode == 0,
    }
    print(RULE)
    print("SCHEMA SYNCHRONIZATION SYSTEM TEST SUITE")
    print(RULE)
    print()
    results = {name: check() for name, check in checks.items()}
    for name, ok in results.items():
        print(f"{'✓ PASS' if ok else '✗ FAIL'}: {name}")
    print()
    print(RULE)
    passed = all(results.values())
    print(f"Overall: {'✓ ALL TESTS PASSED' if passed else '✗ SOME TESTS FAILED'}")
    print(RULE)
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
