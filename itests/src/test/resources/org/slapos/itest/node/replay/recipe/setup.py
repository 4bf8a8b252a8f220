from setuptools import setup

setup(
    name='slaposreplayrecipe',
    version='1.0',
    packages=['slaposreplayrecipe'],
    entry_points={'zc.buildout': ['default = slaposreplayrecipe:RequestTransaction']},
    zip_safe=True,
)
