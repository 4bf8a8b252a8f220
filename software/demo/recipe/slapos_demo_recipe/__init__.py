"""Buildout recipes of the demo Software Release (software/demo).

template (Template): renders `input` into `output` (`mode`, octal, default 644), replacing each
  `@@key@@` by the option `replace-key`; a placeholder without its option is an error.
configuration (Configuration): asks the master for the partition (registerComputerPartition with
  the [slap-connection] section), settles the address and the port the page is served on and the
  page's title, and installs them as JSON in `output` for the web server, its promise and the
  publication. Options it exposes to other parts: `ipv4`, `port`, `url`, `partition-id` and
  `fingerprint` (a digest of the JSON: a name that changes with the settings). The title is not
  exposed: buildout would read a `${` in it as a substitution.
wrapper (Wrapper): writes a /bin/sh program `output` that execs `command` (one argument per line,
  each quoted for the shell).
publish (Publish): publishes the `keys` of the JSON object in `file` as the partition's connection
  parameters (setComputerPartitionConnectionXml).
"""
import hashlib
import json
import logging
import os
import random
import re
import shlex
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ElementTree
from xml.sax.saxutils import escape, unescape

import zc.buildout

MASTER_TIMEOUT_SECONDS = 30
DEFAULT_TITLE = 'SlapOS demo'
FALLBACK_IPV4 = '127.0.0.1'
# Ports are picked below Linux's default ephemeral range (32768-60999), so that a remembered port
# is not taken by the local end of some outgoing connection while the service is stopped.
PORT_RANGE = (20000, 32768)
PORT_ATTEMPTS = 64
MAX_TITLE_LENGTH = 200
MAX_ANSWER_BYTES = 4 * 1024 * 1024


def _require(name, options, *keys):
    for key in keys:
        if key not in options:
            raise zc.buildout.UserError('[%s]: option %r is required' % (name, key))


def _write(path, text, mode):
    """Writes `text` to a temporary sibling, then renames it: a link planted at `path` is replaced."""
    parent = os.path.dirname(path)
    if parent:
        os.makedirs(parent, exist_ok=True)
    temporary = path + '.tmp'
    if os.path.lexists(temporary):
        os.unlink(temporary)
    with open(temporary, 'x', encoding='utf-8') as out:
        out.write(text)
    os.chmod(temporary, mode)
    os.replace(temporary, path)


class Template(object):
    PLACEHOLDER = re.compile(r'@@([A-Za-z0-9_-]+)@@')

    def __init__(self, buildout, name, options):
        _require(name, options, 'input', 'output')
        self.name = name
        self.options = options
        self.values = dict((key[len('replace-'):], value) for key, value in options.items()
                           if key.startswith('replace-'))

    def install(self):
        with open(self.options['input'], encoding='utf-8') as source:
            text = source.read()
        missing = sorted(set(self.PLACEHOLDER.findall(text)) - set(self.values))
        if missing:
            raise zc.buildout.UserError('[%s]: %s uses @@%s@@ but no option replace-%s gives its value'
                                        % (self.name, self.options['input'], missing[0], missing[0]))
        rendered = self.PLACEHOLDER.sub(lambda match: self.values[match.group(1)], text)
        _write(self.options['output'], rendered, int(self.options.get('mode', '644'), 8))
        return [self.options['output']]

    update = install


class Wrapper(object):
    def __init__(self, buildout, name, options):
        _require(name, options, 'command', 'output')
        self.name = name
        self.options = options

    def install(self):
        arguments = [line.strip() for line in self.options['command'].splitlines() if line.strip()]
        if not arguments:
            raise zc.buildout.UserError('[%s]: option command is empty' % self.name)
        program = ('#!/bin/sh\n# Written by slapos_demo_recipe:wrapper for [%s].\nexec %s\n'
                   % (self.name, ' '.join(shlex.quote(argument) for argument in arguments)))
        _write(self.options['output'], program, int(self.options.get('mode', '755'), 8))
        return [self.options['output']]

    update = install


def _opener(connection):
    """An opener for the master: never through a proxy, TLS verified, the partition's certificate if any."""
    context = ssl.create_default_context()
    key_file = connection.get('key-file', '').strip()
    cert_file = connection.get('cert-file', '').strip()
    if key_file and cert_file:
        context.load_cert_chain(cert_file, key_file)
    return urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                       urllib.request.HTTPSHandler(context=context))


def _call_master(connection, path, data=None):
    url = connection['server-url'].rstrip('/') + '/' + path
    request = urllib.request.Request(url, data=data)
    try:
        with _opener(connection).open(request, timeout=MASTER_TIMEOUT_SECONDS) as answer:
            return answer.read(MAX_ANSWER_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise zc.buildout.UserError('the master answered %d %s to %s' % (error.code, error.reason,
                                                                           url.split('?', 1)[0]))
    except (urllib.error.URLError, OSError) as error:
        raise zc.buildout.UserError('cannot reach the master at %s: %s'
                                    % (url.split('?', 1)[0], getattr(error, 'reason', error)))


def unmarshal(body):
    """The value of an xml_marshaller document; an object is its state dictionary.
    Documents with a DOCTYPE are refused, so no entity is ever declared or expanded."""
    if len(body) > MAX_ANSWER_BYTES:
        raise zc.buildout.UserError('the master answered more than %d bytes' % MAX_ANSWER_BYTES)
    if b'<!doctype' in body.lower():
        raise zc.buildout.UserError('the master answered a document with a DOCTYPE, refused')
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as error:
        raise zc.buildout.UserError('the master answered malformed XML: %s' % error)
    if root.tag != 'marshal' or len(root) != 1:
        raise zc.buildout.UserError('the master answered no marshalled value')
    return _value(root[0], {})


def _value(element, seen):
    tag = element.tag
    text = element.text or ''
    if tag in ('string', 'unicode'):
        # xml_marshaller escapes strings twice: the parser undid one escaping, this undoes the other.
        return unescape(text)
    if tag in ('int', 'long'):
        return int(text)
    if tag == 'float':
        return float(text)
    if tag == 'bool':
        return text.strip() == '1'
    if tag == 'none':
        return None
    if tag == 'reference':
        return seen.get(element.get('id'))
    if tag in ('list', 'tuple'):
        items = [_value(child, seen) for child in element]
        value = items if tag == 'list' else tuple(items)
    elif tag == 'dictionary':
        children = list(element)
        value = dict((_value(children[i], seen), _value(children[i + 1], seen))
                     for i in range(0, len(children) - 1, 2))
    elif tag == 'object':
        # (constructor arguments, state): the state dictionary is what the recipes read.
        states = [child for child in element if child.tag == 'dictionary']
        value = _value(states[0], seen) if states else {}
    else:
        raise zc.buildout.UserError('the master answered an unknown marshalled type <%s>' % tag)
    if element.get('id'):
        seen[element.get('id')] = value
    return value


def instance_parameters(partition):
    """The requested parameters as strings; a json-in-xml request (one `_` parameter) is decoded."""
    parameters = partition.get('_parameter_dict') or {}
    if '_' in parameters:
        try:
            decoded = json.loads(parameters['_'])
        except ValueError as error:
            raise zc.buildout.UserError('instance parameter _ is not JSON: %s' % error)
        if not isinstance(decoded, dict):
            raise zc.buildout.UserError('instance parameter _ is not a JSON object')
        return dict((key, value if isinstance(value, str) else json.dumps(value))
                    for key, value in decoded.items() if value is not None)
    # The master's own entries (ip_list, slave_instance_list, ...) are not strings.
    return dict((key, value) for key, value in parameters.items() if isinstance(value, str))


def _bindable(address, port=0):
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind((address, port))
            return probe.getsockname()[1]
    except OSError:
        return None


def choose_ipv4(ip_list, log):
    """The partition's first IPv4 address that exists on this machine, else 127.0.0.1."""
    listed = [pair[1] for pair in ip_list if isinstance(pair, (list, tuple)) and len(pair) == 2
              and isinstance(pair[1], str) and ':' not in pair[1]]
    for address in listed:
        if _bindable(address) is not None:
            return address
    if listed:
        # Unprivileged format computes addresses without putting them on an interface.
        log.warning('The partition address %s is not on this machine: serving on %s',
                    ', '.join(listed), FALLBACK_IPV4)
    return FALLBACK_IPV4


def _port(text, what):
    try:
        port = int(text.strip())
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise zc.buildout.UserError('%s must be a port number (1-65535), got %r' % (what, text))
    return port


def choose_port(parameters, address, port_file, log):
    """The requested port, else the one remembered in `port_file`, else a free one (then remembered)."""
    if parameters.get('port', '').strip():
        return _port(parameters['port'], 'instance parameter port')
    try:
        with open(port_file, encoding='ascii') as remembered:
            return _port(remembered.read(), port_file)
    except FileNotFoundError:
        pass
    except (ValueError, zc.buildout.UserError):
        log.warning('Ignoring %s: it holds no port number', port_file)
    candidates = random.SystemRandom().sample(range(*PORT_RANGE), PORT_ATTEMPTS)
    port = next((p for p in candidates if _bindable(address, p) is not None), None)
    if port is None:
        port = _bindable(address)
        if port is None:
            raise zc.buildout.UserError('no free port on %s' % address)
    _write(port_file, '%d\n' % port, 0o644)
    log.info('Chose port %d on %s (remembered in %s)', port, address, port_file)
    return port


def _clean_title(text):
    """One line of printable text: the title reaches buildout options, an HTML page and the master."""
    title = ' '.join(''.join(c if c.isprintable() else ' ' for c in text).split())
    return title[:MAX_TITLE_LENGTH] or DEFAULT_TITLE


class Configuration(object):
    def __init__(self, buildout, name, options):
        _require(name, options, 'output', 'port-file')
        self.options = options
        log = logging.getLogger(name)
        connection = buildout['slap-connection']
        query = urllib.parse.urlencode({'computer_reference': connection['computer-id'],
                                        'computer_partition_reference': connection['partition-id']})
        partition = unmarshal(_call_master(connection, 'registerComputerPartition?' + query))
        if not isinstance(partition, dict):
            raise zc.buildout.UserError('the master answered no partition for %s' % connection['partition-id'])
        parameters = instance_parameters(partition)
        address = choose_ipv4((partition.get('_parameter_dict') or {}).get('ip_list') or [], log)
        port = choose_port(parameters, address, options['port-file'], log)
        self.settings = {
            'partition-id': connection['partition-id'],
            'ipv4': address,
            'port': str(port),
            'title': _clean_title(parameters.get('title', '')),
            'url': 'http://%s:%d/' % (address, port),
        }
        self.text = json.dumps(self.settings, indent=2, sort_keys=True) + '\n'
        for key in ('partition-id', 'ipv4', 'port', 'url'):
            options[key] = self.settings[key]
        options['fingerprint'] = hashlib.sha256(self.text.encode('utf-8')).hexdigest()[:12]

    def install(self):
        _write(self.options['output'], self.text, 0o644)
        return [self.options['output']]

    update = install


class Publish(object):
    def __init__(self, buildout, name, options):
        _require(name, options, 'file', 'keys')
        self.name = name
        self.options = options
        self.connection = buildout['slap-connection']

    def install(self):
        try:
            with open(self.options['file'], encoding='utf-8') as source:
                values = json.load(source)
        except (OSError, ValueError) as error:
            raise zc.buildout.UserError('[%s]: cannot read %s: %s' % (self.name, self.options['file'], error))
        keys = self.options['keys'].split()
        missing = [key for key in keys if not isinstance(values.get(key), str)]
        if missing:
            raise zc.buildout.UserError('[%s]: %s has no text value for %s'
                                        % (self.name, self.options['file'], ', '.join(missing)))
        # Strings escaped twice, as xml_marshaller writes them (its readers unescape twice).
        pairs = ''.join('<string>%s</string><string>%s</string>' % (escape(escape(key)), escape(escape(values[key])))
                        for key in sorted(keys))
        body = urllib.parse.urlencode({
            'computer_id': self.connection['computer-id'],
            'computer_partition_id': self.connection['partition-id'],
            'connection_xml': '<marshal><dictionary id="i2">%s</dictionary></marshal>' % pairs,
            'slave_reference': 'None',
        }).encode('utf-8')
        _call_master(self.connection, 'setComputerPartitionConnectionXml', body)
        return []

    update = install
