"""`make bench`: creates the bench database if needed, runs every ``bench/bench_*.py``
module's generator (idempotent: it tops the data up to the wanted size) and its
timed scenarios, then prints one table.

Each bench module defines ``NAME``, ``ADDONS`` (the addons it needs),
``generate(bench)`` and ``run(bench)``; see bench/common.py.
"""

import argparse
import glob
import importlib.util
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from common import Bench  # noqa: E402


def addons_path():
    return subprocess.check_output(
        [sys.executable, os.path.join(ROOT, "tools", "odoo_paths.py")], text=True
    ).strip()


def database_exists(name):
    out = subprocess.run(
        ["psql", "-d", "postgres", "-tAc", f"select 1 from pg_database where datname='{name}'"],
        capture_output=True,
        text=True,
        check=False,
    )
    return out.stdout.strip() == "1"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default="collectivite_bench")
    parser.add_argument("--addons", required=True)
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", 1)))
    parser.add_argument("--only", default="", help="comma-separated bench names")
    parser.add_argument("--http-port", type=int, default=8089)
    parser.add_argument(
        "--no-update", action="store_true", help="skip the update of the addons (-u)"
    )
    args = parser.parse_args()
    path = addons_path()
    odoo_cli = [sys.executable, "-c", 'import sys, odoo.cli; sys.argv[0] = "odoo"; odoo.cli.main()']
    base_args = ["-c", os.path.join(ROOT, "odoo.conf"), "--addons-path", path, "-d", args.database]
    if not database_exists(args.database):
        print(f"Creating {args.database} with {args.addons} (no demo data)...", flush=True)
        subprocess.check_call(
            odoo_cli
            + base_args
            + ["-i", args.addons, "--without-demo=all", "--load-language=fr_FR"]
            + ["--stop-after-init", "--log-level=warn"]
        )
    elif not args.no_update:
        subprocess.check_call(
            odoo_cli + base_args + ["-u", args.addons, "--stop-after-init", "--log-level=warn"]
        )

    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(base_args + ["--log-level=warn"])
    registry = Registry(args.database)
    bench = Bench(registry, args.database, path, scale=args.scale, http_port=args.http_port)
    only = {name for name in args.only.split(",") if name}
    installed = set(args.addons.split(","))
    modules = []
    for filename in sorted(glob.glob(os.path.join(HERE, "bench_*.py"))):
        spec = importlib.util.spec_from_file_location(os.path.basename(filename)[:-3], filename)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        if set(module.ADDONS) <= installed:
            modules.append(module)
    # Scenarios over the data of other benches (load, faults) run last; the data
    # they need (NEEDS: other benches' names) is generated even when only they are
    # asked for.
    modules.sort(key=lambda module: getattr(module, "RUN_LAST", False))
    wanted = [module for module in modules if not only or module.NAME in only]
    needed = {name for module in wanted for name in getattr(module, "NEEDS", ())}
    try:
        # Every generator first (the data of a bench may be another's), then the scenarios.
        for module in modules:
            if module not in wanted and module.NAME not in needed:
                continue
            print(f"== {module.NAME}: generating data (scale {args.scale})", flush=True)
            start = time.perf_counter()
            module.generate(bench)
            print(f"   generated in {time.perf_counter() - start:.1f} s", flush=True)
        for module in wanted:
            print(f"== {module.NAME}: scenarios", flush=True)
            module.run(bench)
    finally:
        bench.close()
    print()
    print(bench.table())


if __name__ == "__main__":
    main()
