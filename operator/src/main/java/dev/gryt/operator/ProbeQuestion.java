package dev.gryt.operator;

/**
 * What a GitHubRepo asks its git server: can {@code branch} of {@code url} be listed (as a tenant:
 * public addresses only)? {@code spec} names the question: the repo's identity and every spec field
 * the answer depends on, so that an answer to an older spec is never taken for this one.
 */
public record ProbeQuestion(String spec, String url, String branch, boolean tenant) {}
