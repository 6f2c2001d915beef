"""The engine: one problem's likelihood and prior, logged, differentiated, solved and checked.

Takes the catalog's declarations; hands on a Derivation record of verified steps and estimates.
"""
