class LandingRefused(Exception):
    """The StartPage link cannot be used (expired, used, someone else's); the text says why."""


class InvalidTransition(Exception):
    """A requisition cannot move from its current status to the one asked for."""
