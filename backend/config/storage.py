"""Where uploaded files live: local disk by default, or an S3-compatible bucket.

Attachments, thumbnails, playable audio copies and import uploads all use Django's ``default``
storage, so one switch moves them together. The bucket stays private: every download goes
through HITSM's permission-checked views, which either stream the bytes (the default) or answer
with a presigned URL that expires within seconds (``HITSM_S3_DOWNLOADS=redirect``).
Bad combinations stop start-up with a message naming the variables, like ``config.env``.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from config.env import ImproperlyConfiguredEnv, env_choice, env_int, env_str, env_url

LOCAL = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
S3_BACKEND = "storages.backends.s3.S3Storage"
S3_VARIABLES = (
    "HITSM_S3_BUCKET",
    "HITSM_S3_ENDPOINT_URL",
    "HITSM_S3_REGION",
    "HITSM_S3_ACCESS_KEY_ID",
    "HITSM_S3_SECRET_ACCESS_KEY",
    "HITSM_S3_ADDRESSING_STYLE",
    "HITSM_S3_CA_FILE",
    "HITSM_S3_DOWNLOADS",
    "HITSM_S3_URL_SECONDS",
    "HITSM_S3_CUSTOM_DOMAIN",
)
# S3 bucket naming rules (lowercase DNS label characters, 3–63 long); stricter than some
# servers accept, but a name outside them breaks virtual-host addressing and most tools.
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_HOST = re.compile(r"^[A-Za-z0-9.-]+(:\d{1,5})?$")


@dataclass(frozen=True)
class FileStorage:
    backend: str  # "local" or "s3"
    storage: dict[str, Any]  # STORAGES["default"]
    downloads: str  # "stream" (bytes pass through HITSM) or "redirect" (presigned URL)
    url_seconds: int  # lifetime of a presigned download URL
    public_origin: str  # scheme://host[:port] browsers are sent to; "" = the endpoint itself


def s3_storage(
    *,
    bucket: str,
    endpoint_url: str = "",
    region: str = "us-east-1",
    access_key: str = "",
    secret_key: str = "",
    addressing_style: str = "path",
    ca_file: str = "",
) -> dict[str, Any]:
    """``STORAGES["default"]`` for django-storages' S3 backend (also used by the tests)."""
    from botocore.config import Config

    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            # Empty: boto3's own chain (instance role, ~/.aws) decides.
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "default_acl": None,  # never public-read: objects get the bucket's (private) policy
            "querystring_auth": True,  # a URL from storage.url() is always signed
            "file_overwrite": False,  # like FileSystemStorage: a taken name gets a suffix
            "verify": ca_file or None,
            # Fail fast when the bucket is down instead of holding a web worker for minutes.
            "client_config": Config(
                s3={"addressing_style": addressing_style},
                signature_version="s3v4",
                connect_timeout=5,
                read_timeout=60,
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        },
    }


def _is_set(name: str) -> bool:
    return bool(env_str(name))


def _origin(value: str, name: str) -> str:
    """``oss.hospital.example`` (https assumed) or ``http(s)://host[:port]`` without a path."""
    if "://" in value:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ImproperlyConfiguredEnv(f"{name}={value!r} must be http(s)://host[:port]")
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise ImproperlyConfiguredEnv(f"{name}={value!r} must not have a path or query")
        return f"{parts.scheme}://{parts.netloc}"
    if not _HOST.match(value):
        raise ImproperlyConfiguredEnv(f"{name}={value!r} must be a host name like oss.example.org")
    return f"https://{value}"


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host == "localhost"
    return True


def file_storage_from_env(*, site_url: str) -> FileStorage:
    backend = env_choice("HITSM_STORAGE_BACKEND", "local", ["local", "s3"])
    if backend == "local":
        stray = [name for name in S3_VARIABLES if _is_set(name)]
        if stray:
            raise ImproperlyConfiguredEnv(
                f"{', '.join(stray)} set but HITSM_STORAGE_BACKEND is 'local': set "
                "HITSM_STORAGE_BACKEND=s3 to store files in the bucket, or remove them"
            )
        return FileStorage("local", dict(LOCAL), "stream", 60, "")

    bucket = env_str("HITSM_S3_BUCKET", required=True)
    if not _BUCKET.match(bucket) or ".." in bucket:
        raise ImproperlyConfiguredEnv(
            f"HITSM_S3_BUCKET={bucket!r} is not a valid bucket name "
            "(3-63 characters: lowercase letters, digits, dots and hyphens)"
        )
    endpoint = env_url("HITSM_S3_ENDPOINT_URL", schemes=("http", "https"))
    if endpoint:
        endpoint = _origin(endpoint, "HITSM_S3_ENDPOINT_URL")
    region = env_str("HITSM_S3_REGION", "us-east-1")
    access_key = env_str("HITSM_S3_ACCESS_KEY_ID")
    secret_key = env_str("HITSM_S3_SECRET_ACCESS_KEY")
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfiguredEnv(
            "HITSM_S3_ACCESS_KEY_ID and HITSM_S3_SECRET_ACCESS_KEY (or _FILE) go together: set "
            "both, or neither to use the machine's AWS credentials (instance role, ~/.aws)"
        )
    style = env_choice("HITSM_S3_ADDRESSING_STYLE", "path", ["path", "virtual", "auto"])
    host = urlsplit(endpoint).hostname or ""
    if style == "virtual" and endpoint and _is_ip(host):
        raise ImproperlyConfiguredEnv(
            f"HITSM_S3_ADDRESSING_STYLE=virtual puts the bucket in the host name, which cannot "
            f"work with HITSM_S3_ENDPOINT_URL={endpoint!r}: use path, or a DNS name"
        )
    ca_file = env_str("HITSM_S3_CA_FILE")
    if ca_file and not Path(ca_file).is_file():
        raise ImproperlyConfiguredEnv(f"HITSM_S3_CA_FILE={ca_file!r} is not a readable file")
    if ca_file and endpoint.startswith("http://"):
        raise ImproperlyConfiguredEnv(
            "HITSM_S3_CA_FILE is set but HITSM_S3_ENDPOINT_URL is plain http://: use https://"
        )

    downloads = env_choice("HITSM_S3_DOWNLOADS", "stream", ["stream", "redirect"])
    url_seconds = env_int("HITSM_S3_URL_SECONDS", 60, minimum=10, maximum=3600)
    custom_domain = env_str("HITSM_S3_CUSTOM_DOMAIN")
    if downloads == "stream":
        extra = [n for n in ("HITSM_S3_URL_SECONDS", "HITSM_S3_CUSTOM_DOMAIN") if _is_set(n)]
        if extra:
            raise ImproperlyConfiguredEnv(
                f"{', '.join(extra)} only apply with HITSM_S3_DOWNLOADS=redirect "
                "(streamed downloads never show the bucket's address to browsers)"
            )
    public_origin = _origin(custom_domain, "HITSM_S3_CUSTOM_DOMAIN") if custom_domain else ""
    if downloads == "redirect":
        browser_origin = public_origin or endpoint or "https://"
        if site_url.startswith("https://") and browser_origin.startswith("http://"):
            raise ImproperlyConfiguredEnv(
                f"HITSM_S3_DOWNLOADS=redirect would send browsers from the https site to "
                f"{browser_origin}, which they block as mixed content: use an https endpoint "
                "or HITSM_S3_CUSTOM_DOMAIN=https://…"
            )
    storage = s3_storage(
        bucket=bucket,
        endpoint_url=endpoint,
        region=region,
        access_key=access_key,
        secret_key=secret_key,
        addressing_style=style,
        ca_file=ca_file,
    )
    return FileStorage("s3", storage, downloads, url_seconds, public_origin)
