"""Catalog maintenance for kiosk/locale: extract, update, compile, check.

``python -m kiosk.i18n_tools update`` extracts every marked string (``_``, ``tr``, ``N_``,
``gettext``) from kiosk/ and screens/ (.py and .kv, per babel.cfg), merges it into the
zh_CN and en .po files (zh_CN msgstr = msgid), and compiles the .mo files, which are
committed so a clean clone runs without a build step. ``check`` exits non-zero listing
untranslated or obsolete-compiled messages; the i18n tests use the same functions.

A pack whose ``pack.toml`` says ``pseudo_of = "en"`` is a pseudo-locale: ``update`` writes it
mechanically from that catalog (:func:`pseudo_translate`: accented letters, brackets, ~30 %
longer, placeholders kept) to test layouts with longer text. It is a test device, not a
translation.
"""

from __future__ import annotations

import argparse
import ast
import math
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

from kiosk.i18n import (
    ALL_LANGUAGES,
    DOMAIN,
    KEYWORDS,
    LOCALE_DIR,
    LanguagePack,
    language_packs,
)

ROOT = Path(__file__).resolve().parent.parent
MAPPING = ROOT / "babel.cfg"
_CJK = re.compile(r"[\u3400-\u9fff]")  # ideographs; punctuation alone is not UI text
_NAMES = "|".join(re.escape(k) for k in KEYWORDS)
_KV_CALL = re.compile(
    r"(?<![\w.])(?:app\.|root\.|self\.)?(?:" + _NAMES
    + r")\(\s*(['\"])((?:\\.|(?!\1).)*)\1\s*[,)]"
)


def extract_kv(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any,
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel extractor for Kivy .kv files: ``_("…")`` / ``app.tr("…", app.lang)`` calls
    (the message is the first argument; further arguments are ignored)."""
    text = fileobj.read().decode(options.get("encoding", "utf-8"))
    for lineno, line in enumerate(text.splitlines(), start=1):
        for match in _KV_CALL.finditer(line):
            message = match.group(2).encode("utf-8").decode("unicode_escape").encode(
                "latin-1").decode("utf-8")
            yield lineno, "_", message, []


def _literals(node: ast.expr) -> Iterator[str]:
    """String constants a translation call's first argument can evaluate to."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body)
        yield from _literals(node.orelse)


def extract_python(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any,
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel extractor for Python: calls to a keyword (``tr(…)``, ``app.tr(…)``…) whose
    first argument is a string literal (or a conditional between literals). Unlike Babel's
    token-based extractor it never glues together strings from nested expressions."""
    tree = ast.parse(fileobj.read().decode(options.get("encoding", "utf-8")))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else (
            func.attr if isinstance(func, ast.Attribute) else "")
        if name in keywords:
            for message in _literals(node.args[0]):
                yield node.lineno, name, message, []


def extract(root: Path = ROOT) -> Catalog:
    """The template catalog of every marked message under ``root``."""
    with MAPPING.open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh, filename=str(MAPPING))
    catalog = Catalog(domain=DOMAIN, project="ebantong-kiosk", charset="utf-8")
    keywords = {k: None for k in KEYWORDS}
    for filename, lineno, message, comments, context in extract_from_dir(
        root, method_map, options_map, keywords=keywords,
        directory_filter=lambda d: not Path(d).name.startswith("."),
    ):
        if isinstance(message, str) and message.strip():
            catalog.add(message, None, [(filename, lineno)], auto_comments=comments,
                        context=context)
    return catalog


#: ``{name}`` and ``%s`` / ``%(name)s`` placeholders, which a pseudo-locale leaves alone
_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")
#: accented look-alikes, all in Latin-1 (which the default CJK font covers)
_ACCENTS = str.maketrans("aceinouyACEINOUY", "àçéîñöüýÅÇÉÎÑÖÜÝ")
PSEUDO_GROWTH = 0.3
_PAD = "·"


def pseudo_translate(text: str) -> str:
    """``text`` made visibly "translated" and ~30 % longer, mechanically: letters accented,
    the whole in brackets (truncation shows), padding words of "·" at the end (so it still
    wraps); placeholders such as ``{date}`` stay exactly as they are."""
    if not text:
        return text
    parts: list[str] = []
    pos = 0
    for match in _PLACEHOLDER.finditer(text):
        parts += [text[pos:match.start()].translate(_ACCENTS), match.group()]
        pos = match.end()
    body = "".join([*parts, text[pos:].translate(_ACCENTS)])
    target = math.ceil(len(text) * (1 + PSEUDO_GROWTH))
    padding = ""
    while (room := target - len(body) - len(padding) - 2) > 0:
        padding += " " + _PAD * max(1, min(4, room - 1))
    return f"[{body}{padding}]"


def pseudo_catalog(pack: LanguagePack, locale_dir: Path = LOCALE_DIR) -> Catalog:
    """The pseudo-locale ``pack`` generated from its ``pseudo_of`` language's .po."""
    source = load_po(pack.pseudo_of, locale_dir)
    catalog = Catalog(locale=None, domain=DOMAIN, project="ebantong-kiosk", version="0.1",
                      charset="utf-8", creation_date=source.creation_date,
                      revision_date=source.revision_date)
    catalog.language_team = f"pseudo-locale generated from {pack.pseudo_of}; not a translation"
    for message in source:
        if message.id and message.string and not message.fuzzy:
            catalog.add(message.id, pseudo_translate(str(message.string)),
                        auto_comments=[f"pseudo of {pack.pseudo_of}"])
    return catalog


def write_pseudo(pack: LanguagePack, locale_dir: Path = LOCALE_DIR) -> Path:
    """Write the pseudo-locale's .po and compile its .mo; return the .mo."""
    path = po_path(pack.code, locale_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, pseudo_catalog(pack, locale_dir), width=100, sort_output=True,
                 omit_header=False)
    return compile_po(pack.code, locale_dir)


def pseudo_is_current(pack: LanguagePack, locale_dir: Path = LOCALE_DIR) -> bool:
    """True when the pseudo-locale's .po holds what its source catalog generates now."""
    fresh = {m.id: m.string for m in pseudo_catalog(pack, locale_dir) if m.id}
    return fresh == {m.id: m.string for m in load_po(pack.code, locale_dir) if m.id}


def po_path(language: str, locale_dir: Path = LOCALE_DIR) -> Path:
    """The .po file of ``language``."""
    return locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_po(language: str, locale_dir: Path = LOCALE_DIR) -> Catalog:
    """Read ``language``'s .po (an empty catalog if there is none yet)."""
    path = po_path(language, locale_dir)
    if not path.exists():
        return Catalog(locale=language, domain=DOMAIN, charset="utf-8")
    with path.open("rb") as fh:
        return read_po(fh, locale=language, domain=DOMAIN)


def update(locale_dir: Path = LOCALE_DIR) -> dict[str, int]:
    """Merge the extracted template into every language's .po and compile the .mo files.

    Returns {language: number of untranslated messages}."""
    missing: dict[str, int] = {}
    packs = language_packs(locale_dir)
    for language, pack in packs.items():
        if pack.pseudo_of:
            continue        # written below, from its source catalog
        catalog = load_po(language, locale_dir)
        # translations of messages that left the sources (or were pre-translated) stay in
        # the .po as obsolete entries and come back when the message does
        memory = {m.id: m.string for m in [*catalog, *catalog.obsolete.values()]
                  if m.id and m.string}
        template = extract()
        # literals not marked yet are catalogued too, so the UI that translates them at run
        # time (tr(variable)) is already bilingual; `check` keeps reporting them until marked
        for source, line, text in unwrapped_literals():
            if text not in template:
                template.add(text, None, [(source, line)], auto_comments=["not marked in source"])
        catalog.update(template, no_fuzzy_matching=True)  # fresh: update shares messages
        catalog.project, catalog.version = "ebantong-kiosk", "0.1"
        catalog.fuzzy = False
        for message in catalog:
            if message.id and not message.string and message.id in memory:
                message.string = memory[message.id]
        if language.startswith("zh"):
            for message in catalog:
                if message.id and not message.string:
                    message.string = message.id
        path = po_path(language, locale_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            write_po(fh, catalog, width=100, sort_output=True, omit_header=False)
        compile_po(language, locale_dir)
        missing[language] = len(untranslated(catalog))
    for language, pack in packs.items():
        if pack.pseudo_of:
            write_pseudo(pack, locale_dir)
            missing[language] = len(untranslated(load_po(language, locale_dir)))
    return missing


def compile_po(language: str, locale_dir: Path = LOCALE_DIR) -> Path:
    """Compile ``language``'s .po into its .mo (fuzzy entries included as translated)."""
    catalog = load_po(language, locale_dir)
    for message in catalog:
        message.flags.discard("fuzzy")
    mo = po_path(language, locale_dir).with_suffix(".mo")
    with mo.open("wb") as fh:
        write_mo(fh, catalog)
    return mo


def untranslated(catalog: Catalog) -> list[str]:
    """Message ids with no (or a fuzzy) translation."""
    return [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]  # type: ignore[misc]


def compiled_matches_po(language: str, locale_dir: Path = LOCALE_DIR) -> bool:
    """True when the committed .mo holds exactly the .po's translations."""
    mo = po_path(language, locale_dir).with_suffix(".mo")
    if not mo.exists():
        return False
    with mo.open("rb") as fh:
        compiled = {m.id: m.string for m in read_mo(fh) if m.id}
    source = {m.id: m.string for m in load_po(language, locale_dir) if m.id and m.string}
    return compiled == source


def unwrapped_literals(root: Path = ROOT) -> list[tuple[str, int, str]]:
    """Chinese literals shown in the UI but not marked for translation: (file, line, text).

    .kv: any quoted CJK string not inside a translation call. .py under screens/: any CJK
    string constant that is not a translation call's argument, a docstring or a comparison
    operand."""
    found: list[tuple[str, int, str]] = []
    for kv in sorted((root / "screens").rglob("*.kv")):
        for lineno, line in enumerate(kv.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0] if not line.lstrip().startswith("#:") else ""
            rest = _KV_CALL.sub("", code)
            for literal in re.findall(r"(['\"])(.*?)\1", rest):
                if _CJK.search(literal[1]):
                    found.append((str(kv.relative_to(root)), lineno, literal[1]))
    for py in sorted((root / "screens").rglob("*.py")):
        if "demo" in py.relative_to(root / "screens").parts[:-1]:
            continue        # the demo's scripts check the UI's text; they show none
        found.extend(_unwrapped_py(py, root))
    return found


def unwrapped_strings(root: Path = ROOT) -> list[str]:
    """:func:`unwrapped_literals` as "file:line text" lines."""
    return [f"{path}:{line} {text[:40]!r}" for path, line, text in unwrapped_literals(root)]


def _unwrapped_py(path: Path, root: Path) -> list[tuple[str, int, str]]:
    tree = ast.parse(path.read_text("utf-8"))
    exempt: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            exempt.add(id(node.value))  # docstrings and bare strings
        elif isinstance(node, ast.Compare):  # matching data ("== '居民身份证'"), not shown
            exempt.update(id(n) for n in [node.left, *node.comparators])
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.id if isinstance(func, ast.Name) else (
                func.attr if isinstance(func, ast.Attribute) else "")
            if name in KEYWORDS:
                stack = [node.args[0]]
                while stack:
                    arg = stack.pop()
                    exempt.add(id(arg))
                    if isinstance(arg, ast.IfExp):
                        stack += [arg.body, arg.orelse]
    return [(str(path.relative_to(root)), node.lineno, node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in exempt and _CJK.search(node.value)]


def main(argv: list[str] | None = None) -> int:
    """``extract`` (print the template size), ``update``, ``compile``, ``check``."""
    parser = argparse.ArgumentParser(prog="python -m kiosk.i18n_tools", description=__doc__)
    parser.add_argument("action", choices=["extract", "update", "compile", "check"])
    args = parser.parse_args(argv)
    if args.action == "extract":
        print(f"i18n: {len(extract())} messages marked for translation")
        return 0
    if args.action == "compile":
        for language in ALL_LANGUAGES:
            print(f"i18n: wrote {compile_po(language)}")
        return 0
    if args.action == "update":
        missing = update()
        print("i18n: untranslated: " + ", ".join(f"{k} {v}" for k, v in missing.items()))
        return 0
    problems = []
    packs = language_packs()
    template_ids = {m.id for m in extract() if m.id}
    for language in ALL_LANGUAGES:
        catalog = load_po(language)
        known = {m.id for m in catalog if m.id}
        problems += [f"{language}: not in catalog: {i}" for i in sorted(template_ids - known)]
        problems += [f"{language}: untranslated: {i}" for i in untranslated(catalog)]
        if not compiled_matches_po(language):
            problems.append(f"{language}: .mo is stale; run python -m kiosk.i18n_tools update")
        pack = packs[language]
        if pack.pseudo_of and not pseudo_is_current(pack):
            problems.append(f"{language}: pseudo-locale is stale; run python -m "
                            "kiosk.i18n_tools update")
    problems += [f"not marked for translation: {s}" for s in unwrapped_strings()]
    for line in problems:
        print(line)
    print(f"i18n: {len(template_ids)} messages, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
