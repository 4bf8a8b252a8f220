# Runs one plugin promise (etc/plugin/NAME.py) for the Java promise checker of slapos-osgi,
# with the Software Release's own Python and slapos.core, under the GenericPromise contract:
# RunPromise(config) then run(check_anomaly, can_bang), the result taken from the queue it is
# given. The checker passes:
#   argv[1] plugin path, argv[2] mode ("test" or "anomaly"), argv[3] JSON object of settings.
# The last line starting with MARKER on stdout is the answer (JSON); anything else the plugin
# prints is kept as diagnostics.
import sys
# `python -c` puts the working directory (the partition) first on sys.path: files there must not
# shadow the modules imported below. `sys` itself is built in.
if sys.path and sys.path[0] == '':
  del sys.path[0]
import ast
import json
import os
import re
import traceback

MARKER = 'SLAPOS-PROMISE-RUNNER-RESULT '
_answer = sys.stdout


def answer(data):
  _answer.write(MARKER + json.dumps(data) + '\n')
  _answer.flush()


def release_paths(plugin_path):
  """The list of `sys.path[0:0] = [...]`, when it is the plugin's first assignment."""
  with open(plugin_path) as source:
    tree = ast.parse(source.read(), plugin_path)
  for node in tree.body:
    if isinstance(node, ast.Assign):
      target = node.targets[0]
      if (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Attribute)
          and target.value.attr == 'path' and isinstance(target.value.value, ast.Name)
          and target.value.value.id == 'sys'):
        return [str(path) for path in ast.literal_eval(node.value)]
      return []
  return []


def load_plugin(title, plugin_path):
  """The plugin module, loaded from its own file even when its name is also a library's."""
  # A plugin named like a module already loaded (json.py...) must not replace it.
  name = title if title not in sys.modules else '_slapos_plugin_' + title
  try:
    import importlib.util
  except ImportError:  # Python 2 releases
    import imp
    return imp.load_source(name, plugin_path)
  spec = importlib.util.spec_from_file_location(name, plugin_path)
  module = importlib.util.module_from_spec(spec)
  sys.modules[name] = module
  spec.loader.exec_module(module)
  return module


class ResultQueue(object):
  """What GenericPromise.run() sends its PromiseQueueResult to."""

  def __init__(self):
    self.items = []

  def put_nowait(self, item):
    self.items.append(item)

  put = put_nowait


def main():
  plugin_path, mode, settings = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
  name = os.path.basename(plugin_path)
  title = os.path.splitext(name)[0]
  if re.match(r'[a-zA-Z_]', name) is None:
    answer({'status': 'error', 'message': 'Promise plugin name %r is not valid' % name})
    return
  sys.path[0:0] = [os.path.dirname(plugin_path)] + release_paths(plugin_path)
  try:
    from slapos.grid.promise.generic import GenericPromise
  except ImportError as e:
    answer({'status': 'error', 'message': "The Software Release's Python cannot import "
            "slapos.grid.promise (%s): plugin promises need slapos.core in the release (%s)"
            % (e, sys.executable)})
    return
  module = load_plugin(title, plugin_path)
  run_promise = getattr(module, 'RunPromise', None)
  if run_promise is None:
    answer({'status': 'error', 'message': 'Class RunPromise not found in promise %s' % name})
    return
  if not (isinstance(run_promise, type) and issubclass(run_promise, GenericPromise)):
    answer({'status': 'error', 'message': 'RunPromise class is not a subclass of GenericPromise class.'})
    return
  try:
    from slapos.grid.promise import interface
  except ImportError:
    interface = None
  if interface is not None and not interface.IPromise.implementedBy(run_promise):
    answer({'status': 'error', 'message': "RunPromise class in %s must implement 'IPromise' interface."
            " @implementer(interface.IPromise) is missing ?" % name})
    return
  queue = ResultQueue()
  config = {
    'log-folder': settings['log-folder'],
    'partition-folder': settings['partition-folder'],
    'debug': False,
    'master-url': settings['master-url'],
    'partition-cert': settings['partition-cert'],
    'partition-key': settings['partition-key'],
    'partition-id': settings['partition-id'],
    'computer-id': settings['computer-id'],
    'queue': queue,
    'path': plugin_path,
    'name': name,
  }
  extra = getattr(module, 'extra_config_dict', None)
  if extra is not None:
    if not isinstance(extra, dict):
      answer({'status': 'error', 'message': 'Extra parameter is not a dict'})
      return
    for key in extra:
      if key in config:
        answer({'status': 'error', 'message': 'Extra parameter name %r cannot be used.\n%s' % (key, extra)})
        return
      config[key] = extra[key]
  promise = run_promise(config)
  tested = promise.isTested() if hasattr(promise, 'isTested') else True
  anomaly_detected = promise.isAnomalyDetected() if hasattr(promise, 'isAnomalyDetected') else True
  periodicity = promise.getPeriodicity() if hasattr(promise, 'getPeriodicity') else 2
  check_anomaly = mode == 'anomaly'
  promise.run(check_anomaly, check_anomaly)
  described = {'is_tested': bool(tested), 'is_anomaly_detected': bool(anomaly_detected),
               'periodicity': float(periodicity)}
  result = queue.items[-1].item if queue.items else None
  if result is None or result.type() == 'Empty Result':
    described['status'] = 'empty'
  else:
    described.update(status='result', type=result.type(), failed=bool(result.hasFailed()),
                     message=result.message if result.message is not None else '')
  answer(described)


if __name__ == '__main__':
  # What the plugin prints goes to stderr, so that the answer's line on stdout stays whole.
  sys.stdout = sys.stderr
  try:
    main()
  except Exception:
    answer({'status': 'error', 'message': traceback.format_exc()})
