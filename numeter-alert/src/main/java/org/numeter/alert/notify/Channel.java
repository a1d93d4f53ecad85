package org.numeter.alert.notify;

import java.io.IOException;

/** A way to tell a contact: e-mail, webhook, command. A failure throws, and the message is tried again later. */
public interface Channel {

    /** The name contacts use: {@code email}, {@code webhook}, {@code command}. */
    String name();

    /** Checks a contact's target before it is stored; a bad one is an {@link IllegalArgumentException}. */
    void validate(String target);

    void send(Contact contact, Notice notice) throws IOException;
}
