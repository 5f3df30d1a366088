from . import demo_requests, portal_follow_demo
