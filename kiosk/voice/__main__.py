"""Voice tools: ``python -m kiosk.voice prerender|say|digits``.

``prerender`` fills the WAV cache with every fixed prompt (run at install time);
``say TEXT -o FILE`` renders one text to a WAV; ``digits CODE`` prints the spelled form.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from kiosk.voice.backends import EspeakBackend, SpeechError
from kiosk.voice.digits import digits_for_speech
from kiosk.voice.prompts import prerender

DEFAULT_CACHE = Path("var/voice-cache")


def main(argv: list[str] | None = None) -> int:
    """Run the chosen voice tool; return an exit code."""
    parser = argparse.ArgumentParser(prog="python -m kiosk.voice", description=__doc__)
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    sub = parser.add_subparsers(dest="tool", required=True)
    sub.add_parser("prerender", help="render all fixed prompts into the cache")
    say = sub.add_parser("say", help="render one text to a WAV file")
    say.add_argument("text")
    say.add_argument("-o", "--output", type=Path, required=True)
    say.add_argument("--language", default="zh_CN", choices=["zh_CN", "en"])
    say.add_argument("--rate", default="normal", choices=["normal", "slow"])
    digits = sub.add_parser("digits", help="print a code as it is spoken")
    digits.add_argument("code")
    digits.add_argument("--language", default="zh_CN", choices=["zh_CN", "en"])
    args = parser.parse_args(argv)

    if args.tool == "digits":
        print(digits_for_speech(args.code, args.language))
        return 0
    backend = EspeakBackend(args.cache_dir)
    if not backend.available():
        print("voice: espeak-ng is not installed (run scripts/bootstrap)", file=sys.stderr)
        return 1
    try:
        if args.tool == "say":
            path = backend.render(args.text, language=args.language, rate=args.rate)
            shutil.copyfile(path, args.output)
            print(args.output)
            return 0
        ok, failed = prerender(backend)
    except (SpeechError, OSError) as exc:
        print(f"voice: {exc}", file=sys.stderr)
        return 1
    print(f"voice: {ok} prompts ready in {args.cache_dir}, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
