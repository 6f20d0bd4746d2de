package dev.gryt.store;

/**
 * A piece of a run's output as stored: its place in the run's log ({@code seq}, from 1), the step
 * and attempt that wrote it, and whether it is the marker that ends a step's capped log.
 */
public record LogChunk(long seq, String step, int attempt, String text, boolean truncated) {}
