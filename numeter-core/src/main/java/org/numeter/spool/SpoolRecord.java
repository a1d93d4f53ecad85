package org.numeter.spool;

/**
 * One entry of a spool.
 *
 * @param sequence its place in the spool, from 1, never reused
 * @param appendedAtMillis when it was appended, epoch milliseconds
 * @param payload the bytes appended (an encoded sample batch)
 */
public record SpoolRecord(long sequence, long appendedAtMillis, byte[] payload) {}
