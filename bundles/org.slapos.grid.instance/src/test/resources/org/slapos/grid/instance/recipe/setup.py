from setuptools import setup

setup(
    name='slaposinstancerecipe',
    version='1.0',
    packages=['slaposinstancerecipe'],
    install_requires=['zc.buildout'],
    entry_points={'zc.buildout': ['default = slaposinstancerecipe:File']},
    zip_safe=True,
)
