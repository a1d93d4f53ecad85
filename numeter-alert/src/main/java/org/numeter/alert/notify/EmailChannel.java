package org.numeter.alert.notify;

import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;

/** E-mail over SMTP (Jakarta Mail, Eclipse Angus), plain text, one message per notice. */
public final class EmailChannel implements Channel {

    /** How TLS is used: never, when the server offers STARTTLS, or always (fail without it). */
    public enum StartTls {
        OFF, OPTIONAL, REQUIRED;

        public static StartTls parse(String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "off", "false", "no" -> OFF;
                case "optional", "true", "yes" -> OPTIONAL;
                case "required" -> REQUIRED;
                default -> throw new IllegalArgumentException("starttls '" + text
                        + "' is not one of off, optional, required");
            };
        }
    }

    /**
     * The SMTP server.
     *
     * @param user null for no authentication
     * @param from the sender address
     */
    public record Smtp(String host, int port, StartTls startTls, String user, String password, String from,
            Duration timeout) {
        public Smtp {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(from, "from");
        }

        @Override
        public String toString() {
            return "smtp://" + (user == null ? "" : user + "@") + host + ":" + port + " (starttls " + startTls + ")";
        }
    }

    private final Smtp smtp;
    private final Session session;

    public EmailChannel(Smtp smtp) {
        this.smtp = smtp;
        Properties p = new Properties();
        String ms = String.valueOf(smtp.timeout().toMillis());
        p.put("mail.smtp.host", smtp.host());
        p.put("mail.smtp.port", String.valueOf(smtp.port()));
        p.put("mail.smtp.connectiontimeout", ms);
        p.put("mail.smtp.timeout", ms);
        p.put("mail.smtp.writetimeout", ms);
        p.put("mail.smtp.starttls.enable", String.valueOf(smtp.startTls() != StartTls.OFF));
        p.put("mail.smtp.starttls.required", String.valueOf(smtp.startTls() == StartTls.REQUIRED));
        Authenticator auth = null;
        if (smtp.user() != null) {
            p.put("mail.smtp.auth", "true");
            PasswordAuthentication pa = new PasswordAuthentication(smtp.user(), smtp.password());
            auth = new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return pa;
                }
            };
        }
        this.session = Session.getInstance(p, auth);
    }

    @Override
    public String name() {
        return "email";
    }

    @Override
    public void validate(String target) {
        address(target);
    }

    private static InternetAddress address(String target) {
        try {
            InternetAddress a = new InternetAddress(target, true);
            if (!a.getAddress().contains("@")) {
                throw new AddressException("no @");
            }
            return a;
        } catch (AddressException e) {
            throw new IllegalArgumentException("e-mail address '" + target + "' is not valid");
        }
    }

    @Override
    public void send(Contact contact, Notice notice) throws IOException {
        String id = "<numeter-notice-" + notice.id() + "@" + smtp.host() + ">";
        try {
            MimeMessage m = new MimeMessage(session) {
                @Override
                protected void updateMessageID() throws MessagingException {
                    // the same id for every attempt of one notice: a copy after a crash is recognisable
                    setHeader("Message-ID", id);
                }
            };
            m.setFrom(new InternetAddress(smtp.from()));
            m.setRecipient(Message.RecipientType.TO, address(contact.target()));
            m.setSubject(notice.subject(), "UTF-8");
            m.setText(notice.text(), "UTF-8");
            m.setHeader("X-Numeter-Delivery", String.valueOf(notice.id()));
            Transport.send(m);
        } catch (MessagingException e) {
            throw new IOException("SMTP " + smtp.host() + ":" + smtp.port() + ": " + oneLine(e), e);
        }
    }

    private static String oneLine(Exception e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = (t == e ? "" : e.getMessage() + ": ") + t.getClass().getSimpleName() + " " + t.getMessage();
        return m.replaceAll("\\s+", " ").trim();
    }

    @Override
    public String toString() {
        return "EmailChannel{" + smtp + "}";
    }
}
