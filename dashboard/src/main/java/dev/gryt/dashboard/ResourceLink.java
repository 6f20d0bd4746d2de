package dev.gryt.dashboard;

/** A link from one object's page to another's: what it is, and where its page is. */
public record ResourceLink(String relation, String kind, String name, String href) {}
