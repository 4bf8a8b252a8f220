# A minimal stand-in for slapos.core's slapos/grid/promise/generic.py, written for the Java
# checker's tests: the GenericPromise contract the plugin runner relies on (configuration keys,
# log file and format, test/anomaly defaults, setTestLess/setAnomalyLess, results sent to the queue).
import logging
import os
import random
import time
from datetime import datetime

ERROR_LEVEL = ('CRITICAL', 'ERROR')


class BaseResult(object):
  def __init__(self, problem=False, message=None, date=None):
    self.__problem = problem
    self.message = message
    self.date = date or datetime.utcnow()

  def hasFailed(self):
    return self.__problem


class TestResult(BaseResult):
  @staticmethod
  def type():
    return "Test Result"


class AnomalyResult(BaseResult):
  @staticmethod
  def type():
    return "Anomaly Result"


class EmptyResult(BaseResult):
  def __init__(self):
    BaseResult.__init__(self)

  @staticmethod
  def type():
    return "Empty Result"


class PromiseQueueResult(object):
  def __init__(self, path=None, name=None, title=None, item=None, execution_time=0):
    self.path = path
    self.name = name
    self.title = title
    self.item = item if item is not None else EmptyResult()
    self.execution_time = execution_time


class _Memory(logging.Handler):
  def __init__(self):
    logging.Handler.__init__(self)
    self.records = []

  def emit(self, record):
    self.records.append((record.levelname, record.getMessage()))


class GenericPromise(object):
  def __init__(self, config):
    self.__config = config
    self.__log_folder = config.pop('log-folder', None)
    self.__partition_folder = config.pop('partition-folder', None)
    config.pop('debug', None)
    self.__name = config.pop('name')
    self.__path = config.pop('path')
    self.__queue = config.pop('queue')
    self.__title = os.path.splitext(self.__name)[0]
    self.__periodicity = config.pop('periodicity', 2)
    self.__tested = True
    self.__anomaly_detected = True
    transaction = '%s-%s' % (int(time.time()), random.randint(100, 999))
    self.logger = logging.getLogger(self.__name)
    self.logger.setLevel(logging.INFO)
    handler = logging.FileHandler(os.path.join(self.__log_folder, self.__title + '.log'))
    handler.setFormatter(logging.Formatter(
        "%(asctime)s - %(levelname)s - " + transaction + " - %(message)s", datefmt="%Y-%m-%d %H:%M:%S"))
    self.__memory = _Memory()
    self.logger.addHandler(handler)
    self.logger.addHandler(self.__memory)

  def getConfig(self, key, default=None):
    return self.__config.get(key, default)

  def getPartitionFolder(self):
    return self.__partition_folder

  def setPeriodicity(self, minute):
    if minute <= 0:
      raise ValueError("periodicity must be greater than 0")
    self.__periodicity = minute

  def getPeriodicity(self):
    return self.__periodicity

  def setTestLess(self):
    self.__tested = False

  def isTested(self):
    return self.__tested

  def setAnomalyLess(self):
    self.__anomaly_detected = False

  def isAnomalyDetected(self):
    return self.__anomaly_detected

  def _check(self, result_type):
    records = self.__memory.records
    if not records:
      return result_type(problem=False, message="No result found!")
    failed = any(level in ERROR_LEVEL for level, _ in records)
    return result_type(problem=failed, message="\n".join(message for _, message in records).strip())

  def test(self):
    return self._check(TestResult)

  def anomaly(self):
    return self._check(AnomalyResult)

  def sense(self):
    raise NotImplementedError

  def run(self, check_anomaly=False, can_bang=True):
    if not self.__tested and not self.__anomaly_detected:
      message = "It's not allowed to disable both Test and Anomaly in promise!"
      result = (AnomalyResult if check_anomaly else TestResult)(problem=True, message=message)
    elif (not self.__tested and not check_anomaly) or (not self.__anomaly_detected and check_anomaly):
      self.__queue.put_nowait(PromiseQueueResult())
      return
    else:
      try:
        self.sense()
      except Exception as e:
        self.logger.error(str(e))
      try:
        result = self.anomaly() if check_anomaly else self.test()
        if result is None:
          raise ValueError("Promise method returned 'None'")
      except Exception as e:
        result = (AnomalyResult if check_anomaly else TestResult)(problem=True, message=str(e))
    self.__queue.put_nowait(PromiseQueueResult(path=self.__path, name=self.__name, title=self.__title, item=result))
