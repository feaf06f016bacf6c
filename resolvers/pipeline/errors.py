"""The answer pipeline's one expected failure: a question it cannot take as given."""

from __future__ import annotations


class BadQuestion(Exception):
    """The question (or the ``limit`` beside it) is unusable; ``argument`` says which."""

    def __init__(self, argument: str, problem: str) -> None:
        self.argument = argument
        self.problem = problem
        super().__init__(f"{argument}: {problem}")


class BadPin(Exception):
    """A pinned answer that cannot be stored (or removed) as given; ``argument`` says
    which input is wrong."""

    def __init__(self, argument: str, problem: str) -> None:
        self.argument = argument
        self.problem = problem
        super().__init__(f"{argument}: {problem}")
