"""The checker: a student's claims read safely (plain syntax, LaTeX), judged against the engine.

Takes the engine's derivations; hands on a CheckReport: a verdict, a counterexample, a diagnosis.
"""
