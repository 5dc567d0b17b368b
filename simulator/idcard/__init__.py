"""Simulated resident ID-card reader: speaks the SAM protocol over a pty and TCP."""
