"""pytest plugin (``-p config.testenv``): test environment set before Django reads settings."""

import os
import tempfile

os.environ.setdefault("HITSM_TESTING", "true")
os.environ.setdefault("HITSM_CELERY_EAGER", "true")
os.environ.setdefault("HITSM_DATA_DIR", tempfile.mkdtemp(prefix="hitsm-test-"))
