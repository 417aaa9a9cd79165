class LandingRefused(Exception):
    """The StartPage link cannot be used (expired, used, someone else's); the text says why."""
