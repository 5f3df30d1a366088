from . import (
    test_batch,
    test_http,
    test_pdf,
    test_pdf_split,
    test_portal,
    test_template,
    test_wizard,
)
