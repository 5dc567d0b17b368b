"""The terminal's side of the provincial platform: client, catalog cache, search, outbox.

Modules: ``client`` (requests-based API client), ``errors`` (one exception tree),
``signing`` (per-terminal HMAC request signatures), ``models`` (typed results),
``catalog_cache`` (SQLite cache of the item catalog), ``search`` (hanzi / pinyin search)
and ``outbox`` (durable queue for applications and evaluations).
"""
