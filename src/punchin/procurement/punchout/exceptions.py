class PunchOutRefused(Exception):
    """A PunchOut step that cannot go ahead; the text says why, in the user's words, and
    ``http_status`` is the status of the page that says it."""

    def __init__(self, text: str, http_status: int = 400) -> None:
        super().__init__(text)
        self.http_status = http_status
