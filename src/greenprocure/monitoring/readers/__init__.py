"""Readers: OCDS (JSON) and eForms (XML) files to releases, compiled releases and notices."""

from greenprocure.monitoring.readers.eforms import iter_notices, notice_to_release, parse_notice
from greenprocure.monitoring.readers.ocds import Document, iter_documents

__all__ = ["Document", "iter_documents", "iter_notices", "notice_to_release", "parse_notice"]
