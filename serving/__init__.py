"""Production serving: gunicorn's JSON logs (the configuration itself is gunicorn.conf.py at the top)."""
