"""Readers: OCDS (JSON) and eForms (XML) files to releases, compiled releases and notices."""

from greenprocure.monitoring.readers.ocds import Document, iter_documents

__all__ = ["Document", "iter_documents"]
