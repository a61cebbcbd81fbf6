"""The ``greenprocure`` command line: thin commands over the library, one module per group."""

__all__: list[str] = []
