"""``python -m tools.deploy_check [chart|policy|compose|tilt|wiring|workflows|all]``: run the offline
deploy checks, print every finding, exit 1 when there is any."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from tools.deploy_check import chart, compose, policy, tilt, wiring, workflows
from tools.deploy_check.common import Finding

CHECKS: dict[str, Callable[[], list[Finding]]] = {
    "chart": chart.check,
    "compose": compose.check,
    "tilt": tilt.check,
    "wiring": wiring.check,
    "workflows": workflows.check,
    "policy": policy.check,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.deploy_check", description=__doc__)
    parser.add_argument("checks", nargs="*", help=f"any of {', '.join(CHECKS)}, or all (the default)")
    args = parser.parse_args(argv)
    unknown = set(args.checks) - {*CHECKS, "all"}
    if unknown:
        parser.error(f"unknown check(s): {', '.join(sorted(unknown))}")
    selected = list(CHECKS) if not args.checks or "all" in args.checks else args.checks
    failed = 0
    for name in selected:
        started = time.monotonic()
        findings = CHECKS[name]()
        took = time.monotonic() - started
        print(
            f"{name:<10} {'FAIL' if findings else 'ok':<4} ({len(findings)} findings, {took:.1f} s)",
            flush=True,
        )
        for finding in findings:
            print(f"  {finding}", flush=True)
        failed += bool(findings)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
