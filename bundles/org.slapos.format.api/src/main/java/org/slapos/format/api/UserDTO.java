package org.slapos.format.api;

import java.util.List;

/** A partition's Unix user: name, home, shell and extra groups. */
public class UserDTO {
  public String name;
  public String path;
  public String shell = "/bin/sh";
  /** Null when none were set (serialised as None). */
  public List<String> additionalGroupList;
}
