"""Every language fastpolicy knows, in ONE table: what semgrep may check, what examples may be written in.

Adding a language is one row here (and the schema enums, which tests/test_units.py compares with this table).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    name: str
    rule: bool  # a semgrep language a check may use (schema $defs.language)
    example: bool  # a language an example may be written in (schema $defs.example.language)
    globs: tuple[str, ...] = ()  # file names a rule in this language reads; () = only what its paths.include names
    prefer_includes: bool = False  # a rule's paths.include narrows the files read (bash rules run on scripts named by path)
    filename: str = ""  # default file name an example is tested under
    lexer: str = "text"  # pygments lexer for the site and the terminal


LANGUAGES: tuple[Language, ...] = (
    Language("python", True, True, ("*.py", "*.pyi"), filename="example.py", lexer="python"),
    Language("dockerfile", True, True, ("Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile", "Containerfile"), filename="Dockerfile", lexer="dockerfile"),
    Language("yaml", True, True, ("*.yaml", "*.yml"), filename="example.yaml", lexer="yaml"),
    Language("json", True, True, ("*.json",), filename="example.json", lexer="json"),
    Language("bash", True, True, ("*.sh", "*.bash"), prefer_includes=True, filename="example.sh", lexer="bash"),
    Language("generic", True, False),
    Language("regex", True, False),
    Language("toml", False, True, filename="pyproject.toml", lexer="toml"),
    Language("ini", False, True, filename="pytest.ini", lexer="ini"),
    Language("text", False, True, filename="example.txt", lexer="text"),
)
BY_NAME: dict[str, Language] = {language.name: language for language in LANGUAGES}
RULE_LANGUAGES = tuple(language.name for language in LANGUAGES if language.rule)
EXAMPLE_LANGUAGES = tuple(language.name for language in LANGUAGES if language.example)


def lexer(name: str) -> str:
    language = BY_NAME.get(name)
    return language.lexer if language else "text"
