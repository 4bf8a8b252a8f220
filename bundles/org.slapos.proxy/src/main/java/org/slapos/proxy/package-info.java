/**
 * slapproxy: the SLAP endpoints of the minimal SlapOS master on the OSGi Servlet Whiteboard. Private
 * to the bundle: other bundles use {@link org.slapos.master.api.MasterStore} or HTTP.
 */
package org.slapos.proxy;
