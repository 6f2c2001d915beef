"""Observation models and priors: small frozen declarations the engine derives from."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import sympy as sp

from ..errors import DomainError, ModelDefinitionError, UnknownNameError
from .domains import Counts, Domain, Support
from .symbols import data_symbol, i, register_latex

__all__ = ["Model", "Parameter", "Prior", "deferred_checks"]

#: Models declared inside :func:`deferred_checks` whose density and constraints are not
#: checked yet (by id: a catalog entry lives as long as the process).
_UNCHECKED: set[int] = set()
_DEFERRING = False


@contextmanager
def deferred_checks() -> Iterator[None]:
    """Models declared inside check their density and constraints when the density is first
    built, not when declared: importing the catalog does not build every entry's density
    (the tests build each one)."""
    global _DEFERRING
    before, _DEFERRING = _DEFERRING, True
    try:
        yield
    finally:
        _DEFERRING = before


#: The LaTeX commands a parameter's name may use: it is copied into every .tex document, so
#: anything that reads or writes files, defines macros or changes catcodes must not pass.
_COMMANDS = """
    alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi
    pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta
    Lambda Xi Pi Sigma Upsilon Phi Psi Omega ell hat bar tilde dot ddot check breve vec mathrm
    mathbf mathit mathsf mathcal mathbb boldsymbol operatorname prime star ast circ dagger infty
"""
LATEX_COMMANDS = frozenset(_COMMANDS.split())
_LATEX_TOKEN = re.compile(r"\\([A-Za-z]+)|\\(.)|([A-Za-z0-9{}^_,.'()+\-* ])|(.)", re.S)


def check_latex_name(name: str, latex: str) -> None:
    """Refuse a LaTeX name with a command outside :data:`LATEX_COMMANDS`, a character that is
    not a letter, digit or simple punctuation, or unbalanced braces."""
    depth = 0
    for command, symbol, plain, other in _LATEX_TOKEN.findall(latex):
        bad = (command and command not in LATEX_COMMANDS and f"\\{command}") or (
            symbol and f"\\{symbol}"
        )
        bad = bad or (other and repr(other))
        if bad:
            raise ModelDefinitionError(
                f"the LaTeX name {latex!r} of {name!r} uses {bad}; a name may use letters, digits, "
                "{ } ^ _ and the commands \\" + ", \\".join(sorted(LATEX_COMMANDS, key=str.lower))
            )
        depth += {"{": 1, "}": -1}.get(plain, 0)
        if depth < 0:
            break
    if depth != 0:
        raise ModelDefinitionError(f"the LaTeX name {latex!r} of {name!r} has unbalanced braces")


@dataclass(frozen=True)
class Parameter:
    """A named quantity with a domain: a model parameter, a known constant or a hyperparameter."""

    name: str
    domain: Domain
    latex: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise ModelDefinitionError(
                f"parameter name {self.name!r} must be a Python identifier (letters, digits, _)"
            )
        if not self.latex:
            object.__setattr__(self, "latex", sp.latex(sp.Symbol(self.name)))
        check_latex_name(self.name, self.latex)
        register_latex(self.name, self.latex)

    @property
    def symbol(self) -> sp.Symbol:
        return self.domain.symbol(self.name)


_RELATIONS = (sp.Equality, sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan, sp.GreaterThan)


def _frozen(mapping: Mapping | None) -> Mapping:
    return MappingProxyType(dict(mapping or {}))


def _arity(function: Callable, what: str, expected: int) -> None:
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):  # builtins without a signature: trust the caller
        return
    if any(p.kind is p.VAR_POSITIONAL for p in parameters):
        return
    if len(list(parameters)) != expected:
        raise ModelDefinitionError(
            f"{what} takes {len(list(parameters))} arguments; it must take {expected}"
        )


@dataclass(frozen=True)
class Model:
    """One i.i.d. observation model.

    ``density(x, *parameters, *constants)`` returns the density (or mass function) of one
    observation ``x`` as a SymPy expression; arguments come in declaration order.
    ``statistics`` names data sums for display: ``{"k": lambda x: x}`` shows Σ xᵢ as k.
    ``constraints`` are relations the parameters must meet beyond their domains, each
    ``constraint(*parameters, *constants)`` in declaration order: an equality (Σ θⱼ = 1, a
    simplex) is maximised over by a Lagrange multiplier, and every relation holds at the
    engine's random check points (θ₁ + θ₂ < 1 where θ₃ = 1 − θ₁ − θ₂ is written out).
    """

    name: str
    parameters: tuple[Parameter, ...]
    support: Support
    density: Callable[..., sp.Expr]
    constants: tuple[Parameter, ...] = ()
    statistics: Mapping[str, Callable[[sp.Expr], sp.Expr]] = field(default_factory=dict)
    description: str = ""
    reference: str = ""
    data: str = "x"
    known: frozenset[str] = frozenset()
    label: str = ""
    constraints: tuple[Callable[..., sp.Basic], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "parameters", tuple(self.parameters))
        object.__setattr__(self, "constraints", tuple(self.constraints))
        object.__setattr__(self, "constants", tuple(self.constants))
        object.__setattr__(self, "statistics", _frozen(self.statistics))
        object.__setattr__(self, "known", frozenset(self.known))
        object.__setattr__(self, "label", self.label or self.name.replace("_", " "))
        if not self.parameters:
            raise ModelDefinitionError(f"model {self.name!r} declares no parameters")
        names = [p.name for p in (*self.parameters, *self.constants)]
        taken = {*names, self.data, "n", "i", *self.statistics}
        if len(taken) != len(names) + 3 + len(self.statistics):
            raise ModelDefinitionError(
                f"model {self.name!r}: parameter, constant, statistic and data names must be "
                f"distinct and may not be 'n' or 'i'; got {[*names, self.data, *self.statistics]}"
            )
        unknown = self.known - {p.name for p in self.parameters}
        if unknown:
            raise UnknownNameError(
                "parameter", sorted(unknown)[0], self.parameter_names, f"of model {self.name!r}"
            )
        _arity(self.density, f"density of model {self.name!r}", 1 + len(names))
        for number, constraint in enumerate(self.constraints):
            _arity(constraint, f"constraint {number + 1} of model {self.name!r}", len(names))
        if _DEFERRING:
            _UNCHECKED.add(id(self))
        else:
            self._check_declarations(self.observation_density())

    def _check_declarations(self, density: sp.Expr) -> None:
        """The density uses only the model's own names, and each constraint is a relation."""
        names = [p.name for p in (*self.parameters, *self.constants)]
        entries = set(self.entries)
        allowed = {*self.symbols.values(), i, self.x.label, *entries}
        stray = {str(s) for s in density.free_symbols - allowed}
        stray |= {str(s) for s in density.atoms(sp.Indexed) if s not in entries}
        if stray:
            raise ModelDefinitionError(
                f"density of model {self.name!r} uses {sorted(stray)}, which are not "
                f"its parameters or constants ({', '.join(names)})"
            )
        self.constraint_relations()

    def __repr__(self) -> str:
        parameters = ", ".join(f"{p.name} ∈ {p.domain.describe()}" for p in self.estimated)
        fixed = ", ".join(p.name for p in self.fixed)
        known = f", known: {fixed}" if fixed else ""
        return f"Model({self.name!r}: {parameters}{known}; data in {self.support.describe()})"

    # -- names and symbols -------------------------------------------------------------
    @property
    def parameter_names(self) -> list[str]:
        return [p.name for p in self.parameters]

    @property
    def estimated(self) -> tuple[Parameter, ...]:
        """The parameters to estimate: all but those declared known."""
        return tuple(p for p in self.parameters if p.name not in self.known)

    @property
    def fixed(self) -> tuple[Parameter, ...]:
        """Known constants, including parameters declared known."""
        return (*self.constants, *(p for p in self.parameters if p.name in self.known))

    @property
    def symbols(self) -> dict[str, sp.Symbol]:
        return {p.name: p.symbol for p in (*self.parameters, *self.constants)}

    @property
    def x(self) -> sp.IndexedBase:
        return data_symbol(self.data, self.support.assumptions())

    @property
    def components(self) -> int:
        """How many numbers one observation is: 1, or K for a vector of counts."""
        return self.support.components if isinstance(self.support, Counts) else 1

    @property
    def entries(self) -> tuple[sp.Indexed, ...]:
        """The data of observation i: ``(x[i],)``, or ``(x[i, 1], …, x[i, K])``."""
        if not isinstance(self.support, Counts):
            return (self.x[i],)
        return tuple(self.x[i, j] for j in range(1, self.components + 1))

    def observation(self) -> sp.Expr | tuple[sp.Indexed, ...]:
        """What the density and the statistics take as x: ``x[i]``, or the tuple of a
        vector observation's counts."""
        return self.entries if isinstance(self.support, Counts) else self.x[i]

    def observation_density(self) -> sp.Expr:
        """p(xᵢ | θ) as a SymPy expression in ``x[i]``."""
        arguments = [p.symbol for p in (*self.parameters, *self.constants)]
        density = sp.sympify(self.density(self.observation(), *arguments), strict=True)
        if id(self) in _UNCHECKED:  # declared in deferred_checks: checked at first use
            self._check_declarations(density)
            _UNCHECKED.discard(id(self))
        return density

    def constraint_relations(self) -> tuple[sp.Basic, ...]:
        """The declared constraints as SymPy relations in the parameters and constants."""
        arguments = [p.symbol for p in (*self.parameters, *self.constants)]
        found = []
        for number, constraint in enumerate(self.constraints):
            relation = constraint(*arguments)
            stray = relation.free_symbols - set(arguments) if isinstance(relation, sp.Basic) else ()
            if not isinstance(relation, _RELATIONS) or stray or not relation.has(*arguments):
                raise ModelDefinitionError(
                    f"constraint {number + 1} of model {self.name!r} gives {relation!r}; a "
                    "constraint must be sp.Eq, <, <=, > or >= between expressions in the "
                    f"model's parameters and constants ({', '.join(map(str, arguments))})"
                )
            found.append(relation)
        return tuple(found)

    def declared_density(self) -> sp.Expr:
        """p(xᵢ | θ) as declared, unevaluated, for display (1/√(2πσ²), not √2/(2√π√σ²))."""
        arguments = [p.symbol for p in (*self.parameters, *self.constants)]
        with sp.evaluate(False):
            return sp.sympify(self.density(self.observation(), *arguments), strict=True)

    def statistic_sums(self) -> dict[sp.Symbol, sp.Sum]:
        """The named data sums: display symbol → Σ f(xᵢ)."""
        from .symbols import n

        return {
            sp.Symbol(name, real=True): sp.Sum(f(self.observation()), (i, 1, n))
            for name, f in self.statistics.items()
        }

    def with_known(self, names: Iterable[str]) -> Model:
        """The same model with the named parameters treated as known constants."""
        return replace(self, known=frozenset(names))


@dataclass(frozen=True)
class Prior:
    """A density over one parameter, with named hyperparameters.

    ``density(theta, *hyperparameters)`` returns the density; ``domain`` is its support
    (``None`` for a flat prior, which fits any parameter); ``flat`` gives hyperparameter
    values, or limits, at which the prior becomes flat, so the engine can show MAP → MLE.
    A prior ``over`` several parameters jointly (the Dirichlet, on the simplex θ₁ + … +
    θ_K = 1) takes them all first, ``density(theta1, …, thetaK, *hyperparameters)``, and
    fits a model that declares that simplex constraint on its estimated parameters.
    """

    name: str
    family: str
    hyperparameters: tuple[Parameter, ...]
    domain: Domain | None
    density: Callable[..., sp.Expr]
    flat: Mapping[str, sp.Expr] = field(default_factory=dict)
    description: str = ""
    reference: str = ""
    over: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "hyperparameters", tuple(self.hyperparameters))
        if not isinstance(self.over, int) or self.over < 1:
            raise ModelDefinitionError(
                f"prior {self.name!r}: 'over' is the number of parameters it is a joint "
                f"density of, a positive integer; got {self.over!r}"
            )
        object.__setattr__(
            self, "flat", _frozen({k: sp.sympify(v, strict=True) for k, v in self.flat.items()})
        )
        _arity(
            self.density, f"density of prior {self.name!r}", self.over + len(self.hyperparameters)
        )
        names = {h.name for h in self.hyperparameters}
        if set(self.flat) - names:
            raise ModelDefinitionError(
                f"prior {self.name!r}: 'flat' names {sorted(set(self.flat) - names)}, "
                f"which are not among its hyperparameters {sorted(names)}"
            )

    def __repr__(self) -> str:
        hypers = ", ".join(f"{h.name} ∈ {h.domain.describe()}" for h in self.hyperparameters)
        support = self.domain.describe() if self.domain else "any domain (flat)"
        return f"Prior({self.name!r}: {self.family}({hypers}) on {support})"

    @property
    def kinked(self) -> bool:
        """Whether the density holds an absolute value (the Laplace prior's |θ − θ₀|)."""
        points = [sp.Dummy("theta", real=True) for _ in range(self.over)]
        unknowns = [sp.Dummy(h.name) for h in self.hyperparameters]
        return sp.sympify(self.density(*points, *unknowns), strict=True).has(sp.Abs)

    def fits(self, parameter: Parameter) -> bool:
        """True when the prior's support is exactly the parameter's domain (a joint prior
        fits only its group of parameters, :meth:`fits_all`)."""
        if self.over > 1:
            return False
        return self.domain is None or self.domain.interval == parameter.domain.interval

    def fits_all(self, parameters: tuple[Parameter, ...]) -> bool:
        """True when a joint prior is over exactly these parameters, each in its support."""
        return len(parameters) == self.over and all(
            self.domain is None or self.domain.interval == p.domain.interval for p in parameters
        )

    def check_fits(self, parameter: Parameter, model: str) -> None:
        if not self.fits(parameter):
            assert self.domain is not None
            raise DomainError(
                f"a {self.name} prior lives on {self.domain.describe()}, but parameter "
                f"{parameter.name!r} of model {model!r} lies in {parameter.domain.describe()}; "
                f"use a prior whose support is {parameter.domain.describe()}"
            )
