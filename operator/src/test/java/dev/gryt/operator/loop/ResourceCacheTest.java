package dev.gryt.operator.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.crds.Job;
import dev.gryt.crds.JobSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

class ResourceCacheTest {
  private final ResourceCache cache = new ResourceCache();

  private static Job job(String resourceVersion) {
    Job job = new Job();
    job.setMetadata(
        new ObjectMetaBuilder()
            .withName("j")
            .withNamespace("default")
            .withResourceVersion(resourceVersion)
            .build());
    job.setSpec(new JobSpec());
    return job;
  }

  @Test
  void aStatusWriteStoredBeforeTheDeletionDoesNotBringTheObjectBack() {
    cache.put(job("5"));
    // The loop's status write stored rv 6; the object is deleted; the write's callback comes last.
    Job written = job("6");
    cache.put(written);
    cache.remove(job("6"));
    cache.put(written);
    assertThat(cache.get(Job.class, "default", "j")).isEmpty();
  }

  @Test
  void aDeletionSeenWithAnOlderVersionStillBuriesTheNewestCachedOne() {
    cache.put(job("7"));
    cache.remove(job("5"));
    cache.put(job("7"));
    assertThat(cache.get(Job.class, "default", "j")).isEmpty();
  }

  @Test
  void anObjectCreatedAgainUnderTheSameNameIsCached() {
    cache.put(job("5"));
    cache.remove(job("6"));
    cache.put(job("9"));
    assertThat(cache.get(Job.class, "default", "j"))
        .hasValueSatisfying(j -> assertThat(j.getMetadata().getResourceVersion()).isEqualTo("9"));
  }

  @Test
  void anOlderVersionNeverReplacesANewerOne() {
    cache.put(job("8"));
    cache.put(job("7"));
    assertThat(cache.get(Job.class, "default", "j"))
        .hasValueSatisfying(j -> assertThat(j.getMetadata().getResourceVersion()).isEqualTo("8"));
  }
}
