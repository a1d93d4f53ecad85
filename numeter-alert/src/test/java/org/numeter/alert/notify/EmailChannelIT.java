package org.numeter.alert.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.numeter.alert.AlertState;
import org.numeter.alert.Change;

/** E-mail through a real SMTP server (GreenMail, started here on a free port). */
class EmailChannelIT {
    private GreenMail smtp;
    private int port;

    @BeforeEach
    void start() throws IOException {
        port = freePort();
        smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        smtp.setUser("numeter", "s3cret");
    }

    @AfterEach
    void stop() {
        smtp.stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private EmailChannel channel(String user, String password) {
        return new EmailChannel(new EmailChannel.Smtp("127.0.0.1", port, EmailChannel.StartTls.OFF, user, password,
                "numeter@example.org", Duration.ofSeconds(5)));
    }

    @Test
    void aNoticeIsOneMailWithItsSubjectTextAndDeliveryId() throws Exception {
        Change c = new Change(7, 1_700_000_000L, 1_700_000_000L, "web1", "load", "load", AlertState.OK,
                AlertState.CRITICAL, 12.0, "10", "value 12 critical 10 (above 10) (plugin)");
        Contact ops = new Contact(1, "ops", "email", "ops@example.org", null, Set.of(AlertState.CRITICAL), 1L, null);
        channel("numeter", "s3cret").send(ops, new Notice(99, "web1", List.of(c), 0, "http://web/problems"));
        assertThat(smtp.waitForIncomingEmail(5000, 1)).isTrue();
        MimeMessage m = smtp.getReceivedMessages()[0];
        assertThat(m.getSubject()).isEqualTo("[Numeter] CRITICAL web1 load.load");
        assertThat(m.getAllRecipients()[0].toString()).isEqualTo("ops@example.org");
        assertThat(m.getFrom()[0].toString()).isEqualTo("numeter@example.org");
        assertThat(m.getHeader("Message-ID")[0]).isEqualTo("<numeter-notice-99@127.0.0.1>");
        assertThat(((String) m.getContent()).replace("\r\n", "\n")).contains("CRITICAL web1 load.load (was OK)")
                .contains("http://web/problems");
    }

    @Test
    void aServerThatIsDownOrRefusesIsAnIOExceptionNamingIt() {
        Contact ops = new Contact(1, "ops", "email", "ops@example.org", null, Set.of(AlertState.CRITICAL), 1L, null);
        Notice n = new Notice(1, "web1", List.of(), 0, null);
        assertThatThrownBy(() -> channel("numeter", "wrong").send(ops, n)).isInstanceOf(IOException.class)
                .hasMessageContaining("SMTP 127.0.0.1:" + port);
        smtp.stop();
        assertThatThrownBy(() -> channel(null, null).send(ops, n)).isInstanceOf(IOException.class)
                .hasMessageContaining("SMTP 127.0.0.1:" + port);
        smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    }

    @Test
    void aBadAddressIsRefusedBeforeItIsStored() {
        assertThatThrownBy(() -> channel(null, null).validate("not an address"))
                .hasMessage("e-mail address 'not an address' is not valid");
    }
}
