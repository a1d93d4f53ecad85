package org.numeter.amqp;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Which storage shard a host belongs to, and the names that follow from it. Publishers and consumers must agree on
 * the number of shards: the exchange routes by the key computed here, not by anything the broker knows.
 */
public final class Shards {

    private Shards() {}

    /**
     * The shard of a host: CRC32C of its id (UTF-8) modulo {@code shards}. CRC32C rather than
     * {@code String.hashCode} because it spreads similar names ({@code web1}, {@code web2}) evenly and is the same
     * in every language a future publisher could be written in.
     */
    public static int shardOf(String host, int shards) {
        requireShards(shards);
        CRC32C crc = new CRC32C();
        crc.update(host.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % shards);
    }

    /** The routing key of a shard on the direct exchange. */
    public static String routingKey(int shard) {
        return "shard-" + shard;
    }

    /** The durable queue of a shard: one per exchange and shard, consumed by the shard's storage. */
    public static String queueName(String exchange, int shard) {
        return exchange + "." + routingKey(shard);
    }

    static int requireShards(int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards " + shards + " must be 1 or more");
        }
        return shards;
    }

    static int requireShard(int shard, int shards) {
        requireShards(shards);
        if (shard < 0 || shard >= shards) {
            throw new IllegalArgumentException("shard " + shard + " must be from 0 to " + (shards - 1) + " (shards "
                    + shards + ")");
        }
        return shard;
    }
}
