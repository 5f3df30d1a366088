# isort: skip_file
# (One import per line: each concern of the portal appends its own.)
from . import portal_requests
from . import portal_legal
