from . import demo_payments, demo_requests, portal_follow_demo
