from . import demo_payments, demo_requests
