"""The PayFiP stand-in of the tests (addons/teleservice_requests/tests/payfip_standin.py)
served by a process of its own, as PayFiP is another machine: its CPU and its
Python lock are not the measured process's.

Prints its root URL on the first line of stdout, then serves until its stdin
is closed (the bench that started it stops, or closes the pipe) or it is sent
SIGTERM.
"""

import importlib.util
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STANDIN = os.path.join(ROOT, "addons", "teleservice_requests", "tests", "payfip_standin.py")


def main():
    spec = importlib.util.spec_from_file_location("payfip_standin", STANDIN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    standin = module.PayFiPStandIn()
    # A bench asks for thousands of idOps: the stand-in keeps no log of its calls here.
    standin.calls = _NoLog()
    standin.start()
    # its two addresses, as the stand-in gives them, on one line
    print(standin.service_url, standin.payment_url, flush=True)
    try:
        sys.stdin.read()
    finally:
        standin.stop()


class _NoLog(list):
    def append(self, _item):
        pass


if __name__ == "__main__":
    main()
