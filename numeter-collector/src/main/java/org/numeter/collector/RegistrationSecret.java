package org.numeter.collector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.numeter.io.AtomicFiles;
import org.numeter.model.Names;

/**
 * The collector's registration secret, from which every host's registration token is derived:
 * {@code nrt1.} followed by the unpadded base64url HMAC-SHA256 of {@code "numeter registration\n" + host} under the
 * secret. A token names exactly one host, so its holder can register (or move) that host and no other, and the
 * collector keeps nothing per host: the operator mints a host's token ({@code numeter collector token <host>}) and
 * gives it to that host's poller only.
 *
 * <p>A collector given no secret makes one at its first start and keeps it in a file readable by its owner only
 * ({@link #loadOrCreate}); a poller on the same machine, as the same user, may derive its own token from that file
 * ({@link #read}), which grants it nothing it could not already read there.
 */
public final class RegistrationSecret {
    /** Shorter secrets could be guessed offline by whoever holds one host's token. */
    public static final int MIN_LENGTH = 20;
    private static final String PREFIX = "nrt1.";
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    private RegistrationSecret(byte[] secret) {
        this.key = new SecretKeySpec(secret, ALGORITHM);
    }

    /** @throws IllegalArgumentException when the secret is shorter than {@value #MIN_LENGTH} characters */
    public static RegistrationSecret of(String secret) {
        if (secret == null || secret.strip().length() < MIN_LENGTH) {
            throw new IllegalArgumentException("the registration secret must have at least " + MIN_LENGTH
                    + " characters (e.g. the output of 'openssl rand -base64 32')");
        }
        return new RegistrationSecret(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** The token with which {@code host}, and only it, may register. */
    public String tokenFor(String host) {
        Names.requireHost(host);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(host));
    }

    /** Whether {@code token} is the one of {@code host}; compared in constant time. */
    public boolean accepts(String host, String token) {
        if (token == null) {
            return false;
        }
        byte[] expected = tokenFor(host).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, token.getBytes(StandardCharsets.UTF_8));
    }

    /** The secret kept in {@code file}, made (256 random bits) and written there first when there is none. */
    public static RegistrationSecret loadOrCreate(Path file) throws IOException {
        Optional<RegistrationSecret> kept = read(file);
        if (kept.isPresent()) {
            return kept.get();
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        AtomicFiles.write(file, (secret + "\n").getBytes(StandardCharsets.UTF_8), true);
        return of(secret);
    }

    /** The secret kept in {@code file}, or empty when there is no such file. */
    public static Optional<RegistrationSecret> read(Path file) throws IOException {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            try {
                return Optional.of(of(text));
            } catch (IllegalArgumentException e) {
                throw new IOException("registration secret file " + file + ": " + e.getMessage(), e);
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private byte[] mac(String host) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(("numeter registration\n" + host).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "RegistrationSecret{***}";
    }
}
