"""Odoo's launcher for the bench's servers with workers (as ``odoo-bin``).

The prefork master respawns its gevent (websocket) worker as ``python
<this script> gevent ...``. gevent 22.10 (Odoo's pin) loads its plugins with
``pkg_resources``, whose setuptools 65 does not find distributions named the
newer way (``zope_interface-8.x.dist-info``): the gevent worker then dies at
start and is respawned every second. gevent's plugins are not needed: the
launcher skips their lookup in that worker only.
"""

import os
import sys

os.environ["TZ"] = "UTC"
if len(sys.argv) > 1 and sys.argv[1] == "gevent":
    import gevent.events

    gevent.events.iter_entry_points = lambda group: iter(())

import odoo  # noqa: E402

if __name__ == "__main__":
    odoo.cli.main()
