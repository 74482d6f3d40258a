"""Command line for agencies and maintainers.

python -m chalicelib.procedures.cli validate FILE...   # problems with JSON paths; exit 1 if any
python -m chalicelib.procedures.cli build [DIR]        # compile DIR/*.json to DIR/*.asl.json
python -m chalicelib.procedures.cli check [DIR]        # exit 1 if a committed .asl.json is stale
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from chalicelib.procedures.compiler import compile_definition, render
from chalicelib.procedures.validator import validate_definition


def sources(directory: Path) -> list[Path]:
    return [path for path in sorted(directory.glob("*.json")) if not path.name.endswith(".asl.json")]


def compiled_path(source: Path) -> Path:
    return source.with_name(source.name.removesuffix(".json") + ".asl.json")


def validate(paths: list[str]) -> int:
    failed = 0
    for name in paths:
        try:
            definition = json.loads(Path(name).read_text("utf-8"))
        except (OSError, ValueError) as error:
            print(f"{name}: cannot read JSON: {error}")
            failed += 1
            continue
        problems = validate_definition(definition)
        for problem in problems:
            print(f"{name}: {problem['path']}: {problem['message']}")
        if problems:
            failed += 1
        else:
            print(f"{name}: valid")
    return 1 if failed else 0


def build(directory: Path, check_only: bool) -> int:
    stale = 0
    for source in sources(directory):
        definition = json.loads(source.read_text("utf-8"))
        problems = validate_definition(definition)
        if problems:
            print(f"{source}: invalid, not compiled: {problems[0]['path']}: {problems[0]['message']}")
            stale += 1
            continue
        text = render(compile_definition(definition))
        target = compiled_path(source)
        if target.exists() and target.read_text("utf-8") == text:
            continue
        if check_only:
            print(f"{target} is out of date with {source}: run `make workflows`")
            stale += 1
        else:
            target.write_text(text, "utf-8")
            print(f"wrote {target}")
    return 1 if stale else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="ventanilla-procedures", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("validate").add_argument("files", nargs="+")
    for name in ("build", "check"):
        commands.add_parser(name).add_argument("directory", nargs="?", default="workflows")
    args = parser.parse_args(argv)
    if args.command == "validate":
        return validate(args.files)
    return build(Path(args.directory), check_only=args.command == "check")


if __name__ == "__main__":
    sys.exit(main())
