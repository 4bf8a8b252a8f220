package org.slapos.cache.server;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Where the cache server stores blobs and entries, and how large they may be. */
@ObjectClassDefinition(name = "SlapOS network cache server",
    description = "shacache (/shacache) and shadir (/shadir) on the HTTP whiteboard")
@interface CacheServerConfig {
  /** Configuration PID: the servlets need a root directory, so they wait for it. */
  String PID = "org.slapos.cache.server";

  @AttributeDefinition(description = "Directory holding shacache/ and shadir/ (required)")
  String root_directory();

  @AttributeDefinition(description = "Largest blob accepted, in MiB")
  long max_blob_mib() default 16384;

  @AttributeDefinition(description = "Largest shadir entry accepted, in KiB")
  int max_entry_kib() default 64;
}
