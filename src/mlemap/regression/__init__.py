"""Linear regression by matrix calculus: OLS, ridge and the lasso, beside the scalar engine.

Takes the engine's steps and checks; hands on a RegressionDerivation and its catalog entry.
"""
