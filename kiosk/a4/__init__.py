"""A4 certificates through CUPS: a small IPP client, a job follower, the fallback slip."""
