# The buildout recipes of the demo Software Release shipped with the project (software/demo).
# Built offline into an egg by bin/setup-demo: python3 setup.py bdist_egg -d <dir>.
from setuptools import setup

setup(
    name='slapos_demo_recipe',
    version='1.0',
    description='Buildout recipes of the SlapOS-on-OSGi demo Software Release',
    packages=['slapos_demo_recipe'],
    zip_safe=False,
    entry_points={'zc.buildout': [
        'template = slapos_demo_recipe:Template',
        'configuration = slapos_demo_recipe:Configuration',
        'wrapper = slapos_demo_recipe:Wrapper',
        'publish = slapos_demo_recipe:Publish',
    ]},
)
