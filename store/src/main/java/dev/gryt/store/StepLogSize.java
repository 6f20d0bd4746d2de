package dev.gryt.store;

/**
 * How much output one step of a run has, counted by the database without reading it out: its
 * chunks, characters and lines (newlines), and the lines in its chunks up to a position, from which
 * a page's first line number follows.
 *
 * @param chunks the step's chunks
 * @param chars the characters of all of them
 * @param lines the newlines in all of them
 * @param linesThrough the newlines in its chunks up to and including the position asked for
 */
public record StepLogSize(long chunks, long chars, long lines, long linesThrough) {}
