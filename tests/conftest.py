from __future__ import annotations

import logging

# moto's Step Functions interpreter logs whole state-machine dumps on every caught error.
logging.getLogger("moto").setLevel(logging.CRITICAL)
