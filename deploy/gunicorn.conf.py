"""Gunicorn settings for Ancrage (``gunicorn -c deploy/gunicorn.conf.py ancrage.wsgi``).

Everything deploy-specific comes from the environment:

- ``GUNICORN_BIND`` (default ``127.0.0.1:8000``; a reverse proxy in front terminates TLS),
- ``GUNICORN_WORKERS`` (default 2 × CPU + 1, at most ``GUNICORN_MAX_WORKERS``, 12 by default),
- ``GUNICORN_THREADS`` (default 1), ``GUNICORN_TIMEOUT`` (default 60 s: the PDF exports are the slowest pages),
- ``GUNICORN_LOG_LEVEL`` (default ``LOG_LEVEL`` or ``info``).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
_max_workers = int(os.environ.get("GUNICORN_MAX_WORKERS", "12"))
workers = int(os.environ.get("GUNICORN_WORKERS", "0")) or min(2 * multiprocessing.cpu_count() + 1, _max_workers)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so that a slow leak never becomes an outage.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# Load Django once in the master: workers fork with the application ready (faster start, shared memory).
preload_app = True
# Logs go to stdout/stderr: systemd's journal (or the container runtime) keeps them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", os.environ.get("LOG_LEVEL", "info")).lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# Behind a reverse proxy on the same host: trust its X-Forwarded-* headers only from there.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# The workers heartbeat in memory rather than on a possibly slow disk (gunicorn docs).
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or ("/dev/shm" if os.path.isdir("/dev/shm") else None)  # noqa: S108


def pre_fork(server, worker):
    """No database connection of the preloaded master is inherited: each worker opens its own."""
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        conn.close()
