package org.slapos.slap.marshal;

/**
 * Raised when a value cannot be marshalled or a document cannot be unmarshalled.
 *
 * <p>Unchecked on purpose: the SLAP wire format is produced and consumed in one place per call, and
 * callers (the proxy, the client) map any failure to one transport error anyway.
 */
public class MarshalException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MarshalException(String message) {
        super(message);
    }

    public MarshalException(String message, Throwable cause) {
        super(message, cause);
    }
}
