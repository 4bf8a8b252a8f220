package org.slapos.master.api;

/**
 * A request forwarded to another master (multimaster bookkeeping).
 *
 * @param partitionReference the forwarded name, {@code <requester>_<title>}
 * @param masterUrl the master it was forwarded to
 */
public record ForwardedRequest(String partitionReference, String masterUrl) {
}
