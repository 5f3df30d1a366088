"""Whether this Python has exactly what constraints.txt locks.

Prints one line per package whose installed version differs from the lock (or that is
missing) and exits with status 1 if there is any, 0 otherwise. `make deps` skips pip when
everything already matches; tests/test_repository.py fails when something differs.
"""

import importlib.metadata
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONSTRAINTS = os.path.join(ROOT, "constraints.txt")
REQUIREMENTS = os.path.join(ROOT, "requirements.txt")


def requirements(path):
    """Requirements of a pip requirements file (options and comments left out)."""
    from packaging.requirements import Requirement

    with open(path, encoding="utf-8") as handle:
        lines = [line.split(" #")[0].strip() for line in handle]
    return [Requirement(line) for line in lines if line and not line.startswith(("#", "-"))]


def locked():
    """``{canonical name: version}`` of constraints.txt, for this Python."""
    from packaging.utils import canonicalize_name

    pins = {}
    for requirement in requirements(CONSTRAINTS):
        if requirement.marker and not requirement.marker.evaluate():
            continue
        specifiers = list(requirement.specifier)
        if len(specifiers) != 1 or specifiers[0].operator != "==":
            raise ValueError("constraints.txt must pin exact versions: %s" % requirement)
        pins[canonicalize_name(requirement.name)] = specifiers[0].version
    return pins


def differences():
    """``{name: "locked X, installed Y"}`` for every locked package not at its version,
    and every requirement the lock misses."""
    from packaging.utils import canonicalize_name

    pins = locked()
    differing = {}
    for requirement in requirements(REQUIREMENTS):
        name = canonicalize_name(requirement.name)
        if name not in pins:
            differing[name] = "required, not in constraints.txt (run `make lock`)"
        elif not requirement.specifier.contains(pins[name], prereleases=True):
            differing[name] = "locked %s, required %s (run `make lock`)" % (
                pins[name],
                requirement.specifier,
            )
    for name, version in pins.items():
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            differing[name] = "locked %s, installed %s" % (version, installed)
    return differing


def main():
    try:
        differing = differences()
    except ImportError:  # `packaging` comes with the requirements: nothing installed yet
        print("requirements not installed yet")
        sys.exit(1)
    for name, what in sorted(differing.items()):
        print("%s: %s" % (name, what))
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
