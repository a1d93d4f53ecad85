package org.numeter.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.numeter.spool.MemorySpool;

class HttpSpoolReaderTest {

    @Test
    void toStringShowsTheUrlButNeverTheToken() {
        HttpSpoolReader reader = HttpSpoolReader.builder(URI.create("http://web1:4950/")).token("t0ken-123").build();
        assertThat(reader.toString()).isEqualTo("HttpSpoolReader{http://web1:4950, bearer token}");
    }

    @Test
    void refusesUrlsItCannotUseOrThatCarryAPassword() {
        assertThatThrownBy(() -> HttpSpoolReader.builder(URI.create("ftp://web1/")))
                .hasMessage("pull link URL 'ftp://web1/' is not an http or https URL");
        assertThatThrownBy(() -> HttpSpoolReader.builder(URI.create("http://bob:hunter2@web1/")))
                .hasMessageNotContaining("hunter2").hasMessageContaining("user or password");
    }

    @Test
    void refusesBlankTokensAndNonPositiveTimeouts() {
        HttpSpoolReader.Builder b = HttpSpoolReader.builder(URI.create("http://web1:4950"));
        assertThatThrownBy(() -> b.token(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.token("a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.readTimeout(Duration.ZERO))
                .hasMessage("pull link readTimeout PT0S must be positive");
    }

    @Test
    void aPullServerRefusesABlankToken() {
        assertThatThrownBy(() -> PullServer.builder(new MemorySpool()).token("").build())
                .hasMessage("pull link token is blank: give a token or none");
    }

    @Test
    void errorBodiesStayOnOneLine() {
        assertThat(HttpErrors.oneLine("value 'a\nb'")).isEqualTo("value 'a\\nb'");
        assertThat(HttpErrors.oneLine(null)).isEqualTo("(no message)");
    }
}
