from . import demo_requests
