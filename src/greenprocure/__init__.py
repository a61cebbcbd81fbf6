"""GreenProcure: an open platform for green public procurement."""

from greenprocure.errors import GreenProcureError

__version__ = "0.1.0"

__all__ = ["GreenProcureError", "__version__"]
