"""JAQE domain package, shipped to every function as a Lambda layer.

Plain, typed Python: the processing register, retention, consent, subject keys and
the use cases. AWS calls live only in the adapters (`store`, `mail`, `secrets`).
"""
