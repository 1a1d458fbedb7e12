"""labkit: the code behind the Deep Learning Lab 1 course, one small module per concept.

Import the module you need, e.g. ``from labkit.backprop import MLP``; ``import labkit`` itself
imports nothing heavy.
"""

__version__ = "0.1.0"
