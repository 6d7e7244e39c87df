"""Great Expectations suites for district deliveries, generated from the contract.

Every delivery is validated as it lands (``expectations.validate``); results go to the
``dq_results`` Delta table with failing row numbers only, never values, and to Data Docs
stripped of every unexpected value (``expectations.results``).
"""

import os

# GX draws a tqdm bar per validation on stderr; thousands of daily files make the log
# unreadable. The context also turns its own bars off (expectations.gx_context).
os.environ.setdefault("TQDM_DISABLE", "1")
