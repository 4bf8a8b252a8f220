# Test stand-in for slapos.core's slapos.grid.promise package (only what the plugin runner uses).
