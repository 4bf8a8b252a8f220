# A tiny zc.buildout recipe for the runner's tests: it writes a small program and records the
# environment buildout ran with. Built into an egg at test time; never published.
from setuptools import setup

setup(
    name='slapostestrecipe',
    version='1.0',
    packages=['slapostestrecipe'],
    zip_safe=True,
    entry_points={'zc.buildout': ['default = slapostestrecipe:Program']},
)
