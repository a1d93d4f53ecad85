package org.numeter.amqp;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeoutException;

/**
 * How both ends reach RabbitMQ and declare the same topology. Automatic recovery is off: each end has its own
 * reconnect loop, which knows what to do with unconfirmed publishes and unacknowledged deliveries, where the
 * client's recovery would hide the drop from it.
 */
final class Broker {
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int HEARTBEAT_SECONDS = 15;

    private final URI uri;
    private final ConnectionFactory factory;

    private Broker(URI uri, ConnectionFactory factory) {
        this.uri = uri;
        this.factory = factory;
    }

    /** Checks the URI without connecting; the message quotes it without its password. */
    static Broker of(URI uri) {
        if (uri == null) {
            throw new IllegalArgumentException("amqp uri is required, e.g. amqp://guest:guest@127.0.0.1:5672");
        }
        String scheme = uri.getScheme();
        if (!"amqp".equals(scheme) && !"amqps".equals(scheme) || uri.getHost() == null) {
            throw new IllegalArgumentException("amqp uri '" + redact(uri)
                    + "' must look like amqp://user:password@host:5672/vhost (or amqps://)");
        }
        ConnectionFactory f = new ConnectionFactory();
        try {
            f.setUri(uri);
        } catch (GeneralSecurityException | URISyntaxException | IllegalArgumentException e) {
            throw new IllegalArgumentException("amqp uri '" + redact(uri) + "': " + e.getMessage(), e);
        }
        if ("/".equals(uri.getRawPath())) {
            // By the AMQP URI spec "/" names the vhost "", which RabbitMQ never has; people who write it mean the
            // default vhost "/" (spelled %2F in a URI), so that is what it means here.
            f.setVirtualHost("/");
        }
        f.setAutomaticRecoveryEnabled(false);
        f.setTopologyRecoveryEnabled(false);
        f.setConnectionTimeout(CONNECT_TIMEOUT_MILLIS);
        f.setHandshakeTimeout(CONNECT_TIMEOUT_MILLIS);
        f.setRequestedHeartbeat(HEARTBEAT_SECONDS);
        return new Broker(uri, f);
    }

    Connection connect(String name) throws IOException {
        try {
            return factory.newConnection(name);
        } catch (TimeoutException e) {
            throw new IOException(this + ": timed out connecting", e);
        } catch (IOException e) {
            throw new IOException(this + ": cannot connect: " + message(e), e);
        }
    }

    /** The direct exchange and one shard's durable queue bound to it; declaring again is harmless. */
    static void declareShard(Channel channel, String exchange, int shard) throws IOException {
        channel.exchangeDeclare(exchange, BuiltinExchangeType.DIRECT, true);
        String queue = Shards.queueName(exchange, shard);
        channel.queueDeclare(queue, true, false, false, null);
        channel.queueBind(queue, exchange, Shards.routingKey(shard));
    }

    static String requireExchange(String exchange) {
        if (exchange == null || exchange.isBlank() || exchange.startsWith("amq.") || exchange.length() > 200) {
            throw new IllegalArgumentException("amqp exchange '" + exchange
                    + "' must be a name of 1 to 200 characters not starting with 'amq.'");
        }
        return exchange;
    }

    static String message(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        String type = t.getClass().getSimpleName();
        return t.getMessage() == null ? type : type + ": " + t.getMessage();
    }

    static String redact(URI uri) {
        String info = uri.getRawUserInfo();
        if (info == null || !info.contains(":")) {
            return uri.toString();
        }
        String user = info.substring(0, info.indexOf(':'));
        return uri.toString().replace(info + "@", user + ":***@");
    }

    @Override
    public String toString() {
        return redact(uri);
    }
}
