"""Loopback HTTP servers speaking each LLM vendor's wire format (see README.md)."""
