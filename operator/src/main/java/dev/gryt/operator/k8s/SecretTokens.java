package dev.gryt.operator.k8s;

import dev.gryt.operator.RepoTokens;
import dev.gryt.operator.TokenUnavailableException;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A GitHubRepo's {@code token_secret} on Kubernetes: the {@code token} key of a Secret in the
 * repo's namespace, read when the repo is probed (not watched: a rotated token is picked up by the
 * next periodic probe). The operator's service account needs {@code get} on Secrets.
 */
final class SecretTokens implements RepoTokens.Secrets {
  static final String KEY = "token";

  private final KubernetesClient client;

  SecretTokens(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public String token(String namespace, String secretName) throws TokenUnavailableException {
    Secret secret;
    try {
      secret = client.secrets().inNamespace(namespace).withName(secretName).get();
    } catch (KubernetesClientException e) {
      throw new TokenUnavailableException(
          "token_secret "
              + secretName
              + ": cannot read the Secret (HTTP "
              + e.getCode()
              + (e.getStatus() == null ? "" : ", " + e.getStatus().getReason())
              + ")");
    }
    if (secret == null) {
      throw new TokenUnavailableException(
          "token_secret "
              + secretName
              + ": no Secret "
              + secretName
              + " in namespace "
              + namespace);
    }
    if (secret.getData() != null && secret.getData().get(KEY) != null) {
      return new String(
          Base64.getDecoder().decode(secret.getData().get(KEY)), StandardCharsets.UTF_8);
    }
    if (secret.getStringData() != null && secret.getStringData().get(KEY) != null) {
      return secret.getStringData().get(KEY);
    }
    throw new TokenUnavailableException(
        "token_secret " + secretName + ": the Secret has no key " + KEY);
  }
}
