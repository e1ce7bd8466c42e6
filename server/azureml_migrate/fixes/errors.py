"""Errors of the fix machinery, importable without libcst (the server imports them early)."""


class FixError(Exception):
    """A fix could not be produced (the reason is shown to the user)."""
