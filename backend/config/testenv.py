"""pytest plugin (``-p config.testenv``): test environment set before Django reads settings."""

import os
import tempfile

os.environ.setdefault("HITSM_TESTING", "true")
os.environ.setdefault("HITSM_CELERY_EAGER", "true")
os.environ.setdefault("HITSM_DATA_DIR", tempfile.mkdtemp(prefix="hitsm-test-"))

# Parallel test workers (pytest-xdist) share one Redis: give each its own namespace.
# (xdist workers inherit the controller's environment, so assign rather than setdefault.)
os.environ["HITSM_REDIS_PREFIX"] = (
    f"hitsm-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}"
)
