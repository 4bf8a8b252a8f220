package org.slapos.supervisor.impl;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Map;

/** Configurations as DS builds them: the given properties, else the OCD defaults. */
final class Configs {
  private Configs() {
  }

  static NodeSupervisorConfig supervisor(Map<String, Object> properties) {
    return (NodeSupervisorConfig) Proxy.newProxyInstance(NodeSupervisorConfig.class.getClassLoader(),
        new Class<?>[] {NodeSupervisorConfig.class}, (proxy, method, arguments) ->
            properties.containsKey(method.getName()) ? properties.get(method.getName()) : method.getDefaultValue());
  }

  /** The defaults on these executables, with removals retried quickly (tests stop their programs at once). */
  static NodeSupervisorConfig supervisor(Path supervisord, Path supervisorctl) {
    return supervisor(Map.of("supervisord", supervisord.toString(), "supervisorctl", supervisorctl.toString(),
        "remove_retry_interval_millis", 200L));
  }
}
