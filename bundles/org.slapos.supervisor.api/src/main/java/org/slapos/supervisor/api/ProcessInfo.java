package org.slapos.supervisor.api;

/**
 * One supervised process, as supervisord's {@code getAllProcessInfo} describes it.
 *
 * @param group the group ({@code slappart0})
 * @param name the process name ({@code apache}, {@code apache-on-watch})
 * @param state supervisord's state name ({@code RUNNING}, {@code STOPPED}, {@code EXITED}, {@code FATAL}...)
 * @param pid the process id, 0 when not running
 * @param exitStatus the last exit status
 * @param description supervisord's one-line description
 */
public record ProcessInfo(String group, String name, String state, int pid, int exitStatus, String description) {

  /** The name supervisorctl shows: {@code group:name}. */
  public String fullName() {
    return group + ":" + name;
  }
}
