package dev.gryt.store;

import dev.gryt.crds.JobRun;
import java.util.List;

/**
 * One page of the runs list ({@link ResourceStore#runs}).
 *
 * @param runs the page, newest first
 * @param total how many runs match the query's filters, on every page
 */
public record RunPage(List<JobRun> runs, int total) {
  public RunPage {
    runs = List.copyOf(runs);
  }
}
