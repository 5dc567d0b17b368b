"""Technician tools for the item catalog cache: sync, stats, search.

``python -m kiosk catalog sync --platform URL [--db PATH]`` fills or updates the cache;
``python -m kiosk catalog stats --json`` prints the number of items and departments;
``python -m kiosk catalog search QUERY --json`` prints ranked results from the cache.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kiosk.platform.catalog_cache import CatalogCache
from kiosk.platform.errors import PlatformError
from kiosk.platform.search import CatalogSearch
from kiosk.platform.settings import PlatformSettings
from kiosk.storage import DamagedState


def settings_from(args: argparse.Namespace) -> PlatformSettings:
    """[platform] settings from --config (or the default file), tolerating its absence."""
    from kiosk.config import load_config
    settings = load_config(args.config).platform
    overrides = {k: v for k, v in (("terminal_id", getattr(args, "terminal_id", None)),
                                   ("secret", getattr(args, "secret", None))) if v}
    return PlatformSettings(**{**settings.__dict__, **overrides})


def _fail(message: str, code: int = 2) -> int:
    print(f"catalog: {message}", file=sys.stderr)
    return code


def _sync(args: argparse.Namespace, settings: PlatformSettings, cache: CatalogCache) -> int:
    try:
        result = cache.sync(settings.client(args.platform))
    except PlatformError as exc:
        return _fail(f"sync failed, cache kept at version {cache.version}: {exc}")
    data = {"version": result.version, "full": result.full, "changed": result.changed,
            "removed": result.removed, "not_modified": result.not_modified,
            "items": len(cache.items())}
    print(json.dumps(data) if args.json else
          f"catalog version {data['version']}: {data['changed']} changed, "
          f"{data['removed']} removed, {data['items']} items cached")
    return 0


def _stats(args: argparse.Namespace, cache: CatalogCache) -> int:
    data: dict[str, Any] = {"items": len(cache.items()), "departments": len(cache.departments()),
                            "life_events": len(cache.life_events()), "version": cache.version,
                            "synced_at": cache.synced_at}
    print(json.dumps(data) if args.json else
          f"{data['items']} items, {data['departments']} departments, version {data['version']}")
    return 0


def _search(args: argparse.Namespace, cache: CatalogCache) -> int:
    items = cache.items()
    if not items:
        return _fail("the cache is empty; run 'python -m kiosk catalog sync' first", 1)
    hits = CatalogSearch(items).search(args.query, args.limit, args.department, args.life_event)
    rows = [{"code": h.code, "name": h.name, "department": h.department, "score": h.score}
            for h in hits]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
    else:
        for row in rows:
            print(f"{row['score']:7.2f}  {row['code']:<18} {row['name']}  ({row['department']})")
    return 0


def handle(args: argparse.Namespace) -> int:
    """Run the chosen catalog action."""
    try:
        settings = settings_from(args)
    except (OSError, ValueError) as exc:
        return _fail(f"bad configuration: {exc}")
    try:
        cache = CatalogCache(args.db or settings.cache_db)
    except DamagedState as exc:
        return _fail(f"{exc.path} failed its integrity check: {exc.reason}; 'kiosk run' "
                     "moves it aside and rebuilds it")
    except OSError as exc:
        return _fail(f"cannot open cache: {exc}")
    try:
        if args.action == "sync":
            return _sync(args, settings, cache)
        if args.action == "stats":
            return _stats(args, cache)
        return _search(args, cache)
    except Exception as exc:  # a technician tool: one line, never a traceback
        return _fail(f"{type(exc).__name__}: {exc}")
    finally:
        cache.close()


def register(parser: argparse.ArgumentParser) -> None:
    """Add the catalog sub-commands."""
    parser.add_argument("--config", help="terminal configuration file (TOML)")
    actions = parser.add_subparsers(dest="action", required=True)
    sync = actions.add_parser("sync", help="fill or update the local catalog cache")
    sync.add_argument("--platform", help="platform base URL (default: [platform] url)")
    sync.add_argument("--terminal-id", help="terminal id (default: [platform] terminal_id)")
    sync.add_argument("--secret", help="terminal secret (default: [platform] secret)")
    stats = actions.add_parser("stats", help="number of cached items and departments")
    search = actions.add_parser("search", help="search the cached catalog")
    search.add_argument("query")
    search.add_argument("--limit", type=int, default=10)
    search.add_argument("--department")
    search.add_argument("--life-event")
    for sub in (sync, stats, search):
        sub.add_argument("--db", help="cache database (default: [platform] cache_db)")
        sub.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=handle)
