"""Helpers of the browser tests."""


def wait_for_page(pg, text: str) -> None:
    """Wait until the page content shows `text` and Dash has no callback in flight."""
    pg.get_by_text(text, exact=False).first.wait_for()
    pg.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")
