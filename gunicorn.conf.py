"""Production serving: `gunicorn -c gunicorn.conf.py app:server` (see the README, « Servir en production »).

- gthread workers: each worker process runs SEGUR_THREADS threads, so a render, an extract or a slow client
  holds one thread while cheap callbacks go on; the worker's heartbeat runs on its own loop, so a client
  reading a large file slowly never gets the worker killed by the timeout.
- Large files (job files) are sent with `send_file` (sendfile, ranges) or by nginx (SEGUR_ACCEL_REDIRECT).
- Graceful restarts: `kill -HUP <master>` starts new workers and lets the old ones finish their requests
  (graceful_timeout); workers are recycled after max_requests to bound memory.
- Request line and header limits here; body and URL-value limits in the app (dashboard/guards.py: French
  messages). Logs: one JSON object per line on stderr (serving/logs.py).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from settings import value  # noqa: E402 - the repository root is on the path only now

bind = f"{value('HOST')}:{value('PORT')}"
worker_class = "gthread"
workers = int(value("SEGUR_WORKERS"))
threads = int(value("SEGUR_THREADS"))
worker_connections = 200
# gthread closes a finished connection on the worker's main loop and lingers up to 2 s for the peer (RFC 9112
# graceful close): keep the timeout well above that. Behind nginx (buffering), nginx is that peer.
timeout = int(value("SEGUR_WORKER_TIMEOUT"))
graceful_timeout = 30
keepalive = 5
# Recycling a worker drops its warm caches (engine, response cache: each bounded by an LRU): with most views
# answered from the response cache in a few ms, 2 000 requests were one busy minute (bench load, 08/12).
max_requests = 20000
max_requests_jitter = 2000

limit_request_line = 8190  # longer URLs: a 414 from gunicorn; the app answers in French below that
limit_request_fields = 100
limit_request_field_size = 8190

accesslog = "-"
errorlog = "-"
loglevel = "info"
logger_class = "serving.logs.JsonLogger"
control_socket_disable = True  # gunicorn 27's control socket is one path per user: instances would collide
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")  # nginx on the same host


def worker_exit(server, worker):
    """Close the worker's chart renderer (its Chromium) with the worker."""
    from reports import renderer

    renderer.shutdown()
