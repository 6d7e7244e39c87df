"""Where the lake lives: a local folder (the default) or a prefix on S3-compatible storage.

``SKILLWATCH_LAKE_URI=s3://bucket/prefix`` moves every Delta table there; the endpoint and
credentials are the usual ``AWS_ENDPOINT_URL``, ``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY`` and the region (and ``AWS_ALLOW_HTTP=true`` for a plain-http
endpoint such as a MinIO or moto server), read by the libraries themselves: deltalake and
polars (Rust object_store) read ``AWS_REGION``, s3fs (DuckDB's reads, listings, the
preflight) reads ``AWS_DEFAULT_REGION`` (botocore): set both. The product never handles a
credential. What stays local: landing, archive, DuckDB files, docs, Dagster's home.

A remote lake is a ``upath.UPath``: ``/``, ``name``, ``iterdir`` and ``is_dir`` work as on a
``Path``, so the modules that name tables (``settings.bronze(feed)``, ``lake.path(...)``) do
not know where the lake is. Those that must: ``delta_io`` and the dbt plugin (how to read
it), the CLI's preflight (can it be written), backups (not theirs to copy), retention.
"""

from __future__ import annotations

from pathlib import Path


def is_remote(location: object) -> bool:
    """An object-store location (s3://…), as opposed to a local path."""
    return "://" in str(location) and not str(location).startswith("file://")


def lake_root(uri: str) -> Path:
    """The lake's root for a URI or a local path (typed as Path: UPath has its interface)."""
    if not is_remote(uri):
        return Path(uri).expanduser().resolve()
    from upath import UPath

    # no listing cache: deltalake writes behind s3fs's back, and a cached listing would hide
    # a table created a moment ago
    return UPath(uri, use_listings_cache=False)


def unwritable(uri: str) -> str | None:
    """Why the lake at ``uri`` cannot be written (no such bucket, refused credentials, an
    endpoint that does not answer), in one line, or None. A probe object is written and
    removed, with short timeouts: deltalake itself retries for three minutes before it
    fails, deep inside the first ingest step."""
    fs = _s3fs(
        config_kwargs={"connect_timeout": 5, "read_timeout": 10, "retries": {"max_attempts": 2}}
    )
    probe = f"{uri.rstrip('/')}/.skillwatch-write-test"
    try:
        fs.pipe_file(probe, b"")
        fs.rm_file(probe)
    except Exception as e:  # noqa: BLE001 - every failure is the same answer: not writable
        reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        return f"cannot write to the lake {uri}: {reason}"
    return None


def duckdb_filesystem():
    """The fsspec filesystem DuckDB reads s3:// files through (``register_filesystem``):
    DuckDB's own httpfs extension is a download at run time, impossible offline."""
    return _s3fs()


def _s3fs(**options):
    """A fresh s3fs client from the environment: no listing cache (deltalake writes behind
    its back) and never a cached instance (fsspec keys those by arguments, not by the
    environment the endpoint and credentials come from)."""
    import s3fs

    return s3fs.S3FileSystem(use_listings_cache=False, skip_instance_cache=True, **options)
