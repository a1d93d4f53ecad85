package org.numeter.codec;

/** A record that cannot be read: the message names the host, plugin, field and value at fault. */
public final class CodecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public CodecException(String message) {
        super(message);
    }

    public CodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
