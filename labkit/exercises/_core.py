"""Coding exercises that check themselves: what an exercise is, and the checker every exercise shares.

An :class:`Exercise` names a function for the student to write, the reference it must agree with
(PyTorch's autograd, finite differences or labkit's own code), the inputs it is tried on, and the
classic wrong answers (:class:`Mistake`), each an implementation of the mistake with a sentence that
explains it. The checker runs the student's function on every input and says, in the reader's
language, what is wrong and where: an error it raised, a missing or extra output, a shape, NaN, the
entries that disagree with the reference, or the classic mistake the answer matches.

Every sentence here and in the concept modules is an English ``_()`` message; it is looked up again in
the reader's language each time it is shown (:func:`now`), so one process can speak both languages.
"""

from __future__ import annotations

import copy
import importlib.util
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..i18n import _

#: The exercises, by id ("backprop.linear_backward"), filled as the concept modules are imported.
REGISTRY: dict[str, Exercise] = {}


def now(message: str) -> str:
    """``message`` (an English text or a :class:`~labkit.i18n.Message`) in the reader's language now."""
    return _(getattr(message, "msgid", message))


@dataclass(frozen=True)
class Mistake:
    """A classic wrong answer: ``wrong`` computes it from the same arguments, ``says`` explains it."""

    says: str
    wrong: Callable[..., Any]


@dataclass(frozen=True)
class Exercise:
    """A function to write, checked against ``reference`` on the arguments ``cases`` returns.

    ``returns`` names the outputs: one name for a function returning one value, several for a tuple.
    ``against`` says what the reference is ("torch.autograd"), as the messages name it.
    """

    id: str
    title: str
    task: str
    signature: str
    returns: tuple[str, ...]
    reference: Callable[..., Any]
    cases: Callable[[np.random.Generator], Sequence[Mapping[str, Any]]]
    mistakes: tuple[Mistake, ...] = ()
    against: str = "torch.autograd"
    imports: str = "import numpy as np"
    rtol: float = 1e-6
    atol: float = 1e-9

    @property
    def function(self) -> str:
        """The name of the function the student writes."""
        return self.signature.split("(")[0]

    @property
    def concept(self) -> str:
        return self.id.split(".")[0]


def register(exercise: Exercise) -> Exercise:
    """Add ``exercise`` to :data:`REGISTRY` (an id is taken once)."""
    if exercise.id in REGISTRY:
        raise ValueError(f"exercise id {exercise.id!r} is registered twice")
    REGISTRY[exercise.id] = exercise
    return exercise


@dataclass
class Report:
    """What the checker found: ``passed``, and the lines it says, in the reader's language."""

    exercise: str
    passed: bool = False
    lines: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(self.lines)


class _Stop(Exception):
    """Ends a check early: the report already says why."""


# -- Running the student's function ---------------------------------------------------------------------

def load_function(path: Path, name: str, report: Report) -> Callable[..., Any]:
    """The function ``name`` of the file ``path``, or a report saying why it could not be read."""
    if not path.is_file():
        report.lines.append(now(_("There is no file {path}.")).format(path=str(path)))
        raise _Stop
    spec = importlib.util.spec_from_file_location(f"_labkit_solution_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    try:
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    except SyntaxError as error:
        report.lines.append(now(_("{path}, line {line}: Python cannot read it ({error}).")).format(
            path=str(path), line=str(error.lineno), error=error.msg))
        raise _Stop from None
    except Exception as error:  # noqa: BLE001 - whatever the student's module raises is reported
        report.lines.append(now(_("{path} raised {error} when it was loaded.")).format(
            path=str(path), error=f"{type(error).__name__}: {error}"))
        raise _Stop from None
    function = getattr(module, name, None)
    if not callable(function):
        report.lines.append(now(_("{path} defines no function {name}.")).format(path=str(path), name=name))
        raise _Stop
    return function


def _shape(value: Any) -> str:
    shape = getattr(value, "shape", None)
    return str(tuple(shape)) if shape is not None else type(value).__name__


def _as_outputs(value: Any, count: int) -> list[Any] | None:
    if count == 1:
        return [value]
    if isinstance(value, (tuple, list)) and len(value) == count:
        return list(value)
    return None


def _as_array(value: Any) -> np.ndarray | None:
    if hasattr(value, "detach"):  # a torch tensor
        value = value.detach().cpu().numpy()
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return array


def _same(got: Sequence[Any], expected: Sequence[Any], rtol: float, atol: float, equal_nan: bool = False) -> bool:
    for g, e in zip(got, expected):
        g, e = _as_array(g), _as_array(e)
        if g is None or e is None or g.shape != e.shape or \
                not np.allclose(g, e, rtol=rtol, atol=atol, equal_nan=equal_nan):
            return False
    return True


def _call(function: Callable[..., Any], kwargs: Mapping[str, Any]) -> Any:
    return function(**copy.deepcopy(dict(kwargs)))


def _shapes_of(kwargs: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}: {_shape(v)}" if hasattr(v, "shape") else f"{k}={v!r}" for k, v in kwargs.items())


def _mistake_of(exercise: Exercise, kwargs: Mapping[str, Any], got: list[Any] | None = None,
                raised: BaseException | None = None) -> Mistake | None:
    """The first classic mistake that gives the same outputs as ``got``, or raises the same error as ``raised``."""
    for mistake in exercise.mistakes:
        try:
            with np.errstate(all="ignore"):  # a mistake may overflow, as the answer it stands for did
                wrong = _as_outputs(_call(mistake.wrong, kwargs), len(exercise.returns))
        except Exception as error:  # noqa: BLE001 - some mistakes fail (a matrix product of the wrong shapes)
            if raised is not None and type(error) is type(raised) and str(error) == str(raised):
                return mistake
            continue
        if got is not None and wrong is not None and _same(got, wrong, exercise.rtol, exercise.atol, equal_nan=True):
            return mistake
    return None


def _disagreement(exercise: Exercise, output: str, got: np.ndarray, expected: np.ndarray) -> str:
    close = np.isclose(got, expected, rtol=exercise.rtol, atol=exercise.atol)
    gap = np.abs(got - expected)
    index = np.unravel_index(int(np.argmax(gap)), gap.shape) if gap.ndim else ()
    where = str(list(index)) if index else ""
    return now(_("{output}: {count} of {total} values disagree with {reference}; the largest gap is at {where}: "
                 "expected {expected:.6g}, got {got:.6g}.")).format(
        output=output, count=int((~close).sum()), total=int(close.size), reference=exercise.against,
        where=where or now(_("the value")), expected=float(expected[index]), got=float(got[index]))


def _check_case(exercise: Exercise, function: Callable[..., Any], number: int, kwargs: Mapping[str, Any],
                report: Report) -> None:
    """One case: the first thing wrong is reported and stops the check (the next ones would repeat it)."""
    name, count = exercise.function, len(exercise.returns)
    where = now(_("case {number} ({arguments})")).format(number=number, arguments=_shapes_of(kwargs))
    before = copy.deepcopy(dict(kwargs))
    arguments = copy.deepcopy(dict(kwargs))
    try:
        value = function(**arguments)
    except NotImplementedError:
        report.lines.append(now(_("{name} is not written yet: it raises NotImplementedError. Replace that line "
                                  "with your code.")).format(name=name))
        raise _Stop from None
    except Exception as error:  # noqa: BLE001 - the student's error is the finding
        mistake = _mistake_of(exercise, kwargs, raised=error)
        line = traceback.extract_tb(error.__traceback__)[-1]
        if mistake is not None:
            report.lines.append(now(_("On {where}, your answer is a classic mistake: {explanation}")).format(
                where=where, explanation=now(mistake.says)))
        report.lines.append(now(_("{name} raised {error} on {where}, at line {line}: {code}")).format(
            name=name, error=f"{type(error).__name__}: {error}", where=where, line=str(line.lineno),
            code=(line.line or "").strip()))
        raise _Stop from None
    for arg, original in before.items():
        if isinstance(original, np.ndarray) and not np.array_equal(arguments[arg], original, equal_nan=True):
            report.lines.append(now(_("{name} changed its argument {arg} in place: it must leave its inputs as "
                                      "they were (copy before you modify).")).format(name=name, arg=arg))
            raise _Stop
    got = _as_outputs(value, count)
    if got is None:
        report.lines.append(now(_("{name} must return {count} values ({names}), in this order; it returned "
                                  "{got}.")).format(name=name, count=count, names=", ".join(exercise.returns),
                                                    got=type(value).__name__))
        raise _Stop
    expected = _as_outputs(_call(exercise.reference, kwargs), count)
    assert expected is not None, f"the reference of {exercise.id} returns the wrong number of values"
    if _same(got, expected, exercise.rtol, exercise.atol):
        return
    mistake = _mistake_of(exercise, kwargs, got)
    if mistake is not None:
        report.lines.append(now(_("On {where}, your answer is a classic mistake: {explanation}")).format(
            where=where, explanation=now(mistake.says)))
        raise _Stop
    for output, g, e in zip(exercise.returns, got, expected):
        g_array, e_array = _as_array(g), _as_array(e)
        if g_array is None:
            report.lines.append(now(_("{output} must be an array of numbers, got {got}.")).format(
                output=output, got=type(g).__name__))
        elif g_array.shape != e_array.shape:
            report.lines.append(now(_("{output} has shape {got} on {where}; expected {expected}.")).format(
                output=output, got=str(g_array.shape), where=where, expected=str(e_array.shape)))
        elif not np.isfinite(g_array).all():
            report.lines.append(now(_("{output} contains NaN or infinity on {where}.")).format(
                output=output, where=where))
        elif not np.allclose(g_array, e_array, rtol=exercise.rtol, atol=exercise.atol):
            report.lines.append(now(_("On {where}:")).format(where=where) + " "
                                + _disagreement(exercise, output, g_array, e_array))
        else:
            continue
        raise _Stop
    raise AssertionError("unreachable: the outputs differ but no output does")  # pragma: no cover


def run_checks(exercise: Exercise, function: Callable[..., Any] | None = None, path: Path | None = None) -> Report:
    """Check ``function`` (or the function of the file ``path``) against ``exercise``."""
    report = Report(exercise.id)
    try:
        if function is None:
            assert path is not None
            function = load_function(path, exercise.function, report)
        cases = exercise.cases(np.random.default_rng(0))
        for number, kwargs in enumerate(cases, start=1):
            _check_case(exercise, function, number, kwargs, report)
    except _Stop:
        report.lines.append(now(_("Not yet: fix this and check again.")))
        return report
    report.passed = True
    report.lines.append(now(_("Passed: {name} agrees with {reference} on all {count} cases.")).format(
        name=exercise.function, reference=exercise.against, count=len(cases)))
    return report


def skeleton_text(exercise: Exercise, command: str) -> str:
    """The file a student completes: the task as the module's docstring, the function to write."""
    title = now(exercise.title)
    lines = [
        '"""' + title,
        "",
        now(exercise.task).strip(),
        "",
        now(_("Check your answer with:")),
        "",
        f"    {command}",
        '"""',
        "",
        exercise.imports,
        "",
        "",
        f"def {exercise.signature}:",
        "    # " + now(_("Your code here: replace the line below.")),
        "    raise NotImplementedError",
        "",
    ]
    return "\n".join(lines)


def stop_on_unknown(exercise_id: str) -> Exercise:
    """The exercise ``exercise_id``, or a ValueError listing the ids there are."""
    if not isinstance(exercise_id, str):
        raise TypeError(f"exercise_id must be a str such as 'backprop.linear_backward', got {exercise_id!r}")
    if exercise_id not in REGISTRY:
        known = ", ".join(sorted(REGISTRY))
        raise ValueError(f"exercise_id must be one of {known}; got {exercise_id!r}")
    return REGISTRY[exercise_id]

