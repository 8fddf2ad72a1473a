"""A local runner for the composite action in ``action.yml``: enough of GitHub's to test it.

It evaluates the few expression forms the action uses — ``inputs.x``, ``github.x``,
``runner.x``, ``steps.<id>.outputs.<name>``, string literals, ``==``, ``!=``, ``&&``, ``||``,
``!``, parentheses and ``success()``/``always()``/``failure()`` — runs every ``run:`` step with
``bash --noprofile --norc -eo pipefail`` (as ``shell: bash`` does on GitHub), gives each step its
own ``$GITHUB_OUTPUT`` file and reads the outputs back, and records ``uses:`` steps with their
evaluated ``with:`` instead of running them. Any other expression is an error, so the action
cannot drift into forms this runner would silently get wrong.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<op>==|!=|&&|\|\||!|\(|\))"
    r"|(?P<call>(?:success|always|failure)\(\))|(?P<name>[A-Za-z_][\w-]*(?:\.[\w-]+)*))"
)
_TEMPLATE = re.compile(r"\$\{\{(.*?)\}\}")


class ExpressionError(Exception):
    """An expression this runner does not understand (or a name the action does not define)."""


def tokenize(expression: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    text = expression.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise ExpressionError(f"cannot parse {expression!r} at {text[position:]!r}")
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    """Recursive descent over the grammar::

    or    := and ('||' and)*
    and   := unary ('&&' unary)*
    unary := '!' unary | cmp
    cmp   := atom (('==' | '!=') atom)?
    atom  := literal | name | call | '(' or ')'
    """

    def __init__(self, tokens: list[tuple[str, str]], lookup: Any) -> None:
        self.tokens = tokens
        self.position = 0
        self.lookup = lookup

    def parse(self) -> object:
        value = self._or()
        if self.position != len(self.tokens):
            raise ExpressionError(f"unexpected {self.tokens[self.position][1]!r}")
        return value

    def _peek(self) -> str | None:
        return self.tokens[self.position][1] if self.position < len(self.tokens) else None

    def _take(self) -> tuple[str, str]:
        if self.position >= len(self.tokens):
            raise ExpressionError("expression ends too early")
        token = self.tokens[self.position]
        self.position += 1
        return token

    def _or(self) -> object:
        value = self._and()
        while self._peek() == "||":
            self._take()
            right = self._and()
            value = value if truthy(value) else right
        return value

    def _and(self) -> object:
        value = self._unary()
        while self._peek() == "&&":
            self._take()
            right = self._unary()
            value = right if truthy(value) else value
        return value

    def _unary(self) -> object:
        if self._peek() == "!":
            self._take()
            return not truthy(self._unary())
        return self._comparison()

    def _comparison(self) -> object:
        left = self._atom()
        if self._peek() in ("==", "!="):
            operator = self._take()[1]
            right = self._atom()
            equal = as_text(left).lower() == as_text(right).lower()  # GitHub ignores case
            return equal if operator == "==" else not equal
        return left

    def _atom(self) -> object:
        kind, text = self._take()
        if kind == "string":
            return text[1:-1].replace("''", "'")
        if kind == "call":
            return self.lookup(text)
        if kind == "name":
            return self.lookup(text)
        if text == "(":
            value = self._or()
            if self._take()[1] != ")":
                raise ExpressionError("missing ')'")
            return value
        raise ExpressionError(f"unexpected {text!r}")


def truthy(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return value not in ("", None, 0)


def as_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


@dataclass
class StepRun:
    """What happened to one step."""

    name: str
    id: str | None
    uses: str | None
    with_: dict[str, str] = field(default_factory=dict)
    skipped: bool = False
    returncode: int | None = None
    stdout: str = ""
    stderr: str = ""
    outputs: dict[str, str] = field(default_factory=dict)


@dataclass
class ActionRun:
    """A whole run: its steps, the action's outputs, and the job's exit code."""

    steps: list[StepRun]
    outputs: dict[str, str]
    exit_code: int

    def step(self, name: str) -> StepRun:
        return next(s for s in self.steps if s.name == name)

    @property
    def log(self) -> str:
        return "\n".join(f"## {s.name}\n{s.stdout}{s.stderr}" for s in self.steps)


class LocalAction:
    """The composite action of a directory holding ``action.yml``."""

    def __init__(self, action_path: Path) -> None:
        self.path = action_path
        self.definition: dict[str, Any] = yaml.safe_load(
            (action_path / "action.yml").read_text(encoding="utf-8")
        )
        if self.definition["runs"]["using"] != "composite":
            raise ExpressionError("only composite actions are supported")

    def run(
        self,
        inputs: Mapping[str, str],
        *,
        env: Mapping[str, str],
        workdir: Path,
        github: Mapping[str, str],
        runner_temp: Path,
    ) -> ActionRun:
        """Run the steps in order, as GitHub runs a composite action inside a job."""
        declared = self.definition.get("inputs", {})
        unknown = set(inputs) - set(declared)
        if unknown:
            raise ExpressionError(f"inputs not declared in action.yml: {sorted(unknown)}")
        context: dict[str, Any] = {
            "github": {**github, "action_path": str(self.path)},
            "runner": {"temp": str(runner_temp)},
            "steps": {},
            "inputs": {},
        }
        for name, spec in declared.items():
            default = str(spec.get("default", "")) if spec else ""
            context["inputs"][name] = inputs.get(name, self._expand(default, context, True))
        runs: list[StepRun] = []
        failed_code = 0
        for index, step in enumerate(self.definition["runs"]["steps"]):
            run = self._step(index, step, context, failed_code, env, workdir, runner_temp)
            runs.append(run)
            tolerated = str(step.get("continue-on-error", "false")).lower() == "true"
            if run.returncode and not failed_code and not tolerated:
                failed_code = run.returncode
        outputs = {
            name: self._expand(str(spec["value"]), context, True)
            for name, spec in self.definition.get("outputs", {}).items()
        }
        return ActionRun(steps=runs, outputs=outputs, exit_code=failed_code)

    def _step(
        self,
        index: int,
        step: Mapping[str, Any],
        context: dict[str, Any],
        failed_code: int,
        env: Mapping[str, str],
        workdir: Path,
        runner_temp: Path,
    ) -> StepRun:
        run = StepRun(name=str(step.get("name", f"step {index}")), id=step.get("id"), uses=None)
        condition = str(step.get("if", "success()"))
        if condition.startswith("${{"):
            condition = _TEMPLATE.sub(lambda m: m.group(1), condition)
        if not re.search(r"\b(success|always|failure|cancelled)\(\)", condition):
            # GitHub: a condition without a status function runs only while all went well
            condition = f"success() && ({condition})"
        if not truthy(self.evaluate(condition, context, failed=bool(failed_code))):
            run.skipped = True
            return run
        if "uses" in step:
            run.uses = str(step["uses"])
            run.with_ = {k: self._expand(str(v), context) for k, v in step.get("with", {}).items()}
            return run
        if step.get("shell") != "bash":
            raise ExpressionError(f"step {run.name!r}: only 'shell: bash' is supported")
        output_file = runner_temp / f"_github_output_{index}"
        output_file.write_text("")
        script = runner_temp / f"_step_{index}.sh"
        script.write_text(self._expand(str(step["run"]), context))
        step_env = {k: self._expand(str(v), context) for k, v in step.get("env", {}).items()}
        completed = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workdir,
            env={
                **env,
                **step_env,
                "GITHUB_OUTPUT": str(output_file),
                "GITHUB_ACTION_PATH": str(self.path),
            },
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        run.returncode = completed.returncode
        run.stdout, run.stderr = completed.stdout, completed.stderr
        run.outputs = parse_outputs(output_file.read_text(encoding="utf-8"))
        if run.id:
            context["steps"][run.id] = {"outputs": run.outputs}
        return run

    def evaluate(self, expression: str, context: Mapping[str, Any], *, failed: bool) -> object:
        def lookup(name: str) -> object:
            if name == "success()":
                return not failed
            if name == "failure()":
                return failed
            if name == "always()":
                return True
            return resolve(name, context)

        return _Parser(tokenize(expression), lookup).parse()

    def _expand(self, text: str, context: Mapping[str, Any], failed: bool = False) -> str:
        return _TEMPLATE.sub(
            lambda m: as_text(self.evaluate(m.group(1), context, failed=failed)), text
        )


def resolve(name: str, context: Mapping[str, Any]) -> object:
    """``inputs.fail-on``, ``github.token``, ``steps.scan.outputs.sarif-file``..."""
    head, _, rest = name.partition(".")
    if head == "steps":
        step_id, _, output = rest.partition(".outputs.")
        if not output:
            raise ExpressionError(f"only steps.<id>.outputs.<name> is supported, not {name!r}")
        return context["steps"].get(step_id, {}).get("outputs", {}).get(output, "")
    if head not in ("inputs", "github", "runner") or not rest:
        raise ExpressionError(f"unsupported name {name!r}")
    values = context[head]
    if rest not in values:
        raise ExpressionError(f"{name!r} is not defined")
    return values[rest]


def parse_outputs(text: str) -> dict[str, str]:
    """Read a ``$GITHUB_OUTPUT`` file: ``name=value`` lines and ``name<<DELIMITER`` blocks."""
    outputs: dict[str, str] = {}
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value: list[str] = []
            while lines[index] != delimiter:
                value.append(lines[index])
                index += 1
            index += 1
            outputs[name] = "\n".join(value)
        elif "=" in line:
            name, value_text = line.split("=", 1)
            outputs[name] = value_text
    return outputs


def base_environment(path_dir: Path) -> dict[str, str]:
    """A clean environment for the steps: this Python first on PATH (setup-python's role)."""
    keep = ("HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "PYTHONPATH")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env["PATH"] = f"{path_dir}{os.pathsep}{os.environ.get('PATH', '')}"
    for key, value in os.environ.items():
        if key.startswith(("AWS_", "NO_GCE")):
            env[key] = value
    return env
