package dev.gryt.dashboard;

/** One step of a run as the run page shows it. */
public record StepRow(String name, String state, String exitCode, String duration) {}
