# A buildout recipe for the node's end-to-end test: copies files into place and publishes
# connection parameters to the master, as a Software Release's instance profile would.
from setuptools import setup

setup(
    name='slapose2erecipe',
    version='1.0',
    packages=['slapose2erecipe'],
    entry_points={'zc.buildout': [
        'default = slapose2erecipe:File',
        'publish = slapose2erecipe:Publish',
    ]},
)
