"""One error type for bad input, so the CLI can print it plainly instead of a traceback."""

from __future__ import annotations


class DataError(Exception):
    """Bad input: the message names the file, the row (or fact) and the rule that failed."""

    def __init__(self, file: str, where: str, rule: str) -> None:
        self.file, self.where, self.rule = file, where, rule
        super().__init__(f"{file}: {where}: {rule}")
