"""One error type for bad input, so the CLI can print it plainly instead of a traceback."""

from __future__ import annotations


class DataError(Exception):
    """Bad input: the message names the file, the item (line, fact, claim …), the rule that failed,
    and, where one helps, what to do about it."""

    def __init__(self, file: str, where: str, rule: str, hint: str = "") -> None:
        self.file, self.where, self.rule, self.hint = file, where, rule, hint
        super().__init__(f"{file}: {where}: {rule}" + (f" ({hint})" if hint else ""))
