package org.slapos.format.api;

/** A tun interface ({@code slaptunN}): the same fields as a tap. */
public class TunDTO extends TapDTO {
}
