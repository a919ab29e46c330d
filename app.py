"""Entry point: `python app.py` serves the dashboard; `gunicorn app:server -w 2` in production."""

from dashboard import create_app
from settings import load_settings

settings = load_settings()
app = create_app(settings)
server = app.server

if __name__ == "__main__":
    app.run(host=settings.host, port=settings.port, debug=False)
