package dev.gryt.crds.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.GitRemote;
import java.util.List;

/**
 * GitHubRepo rules beyond the schema: the access token comes from one place only, so nobody has to
 * guess which of two configured tokens the agent uses; and no part of {@code git_url} can be read
 * as an option by ssh ({@code ssh://-oProxyCommand=...}).
 */
final class GitHubRepoValidation implements SpecRules {
  private static final List<String> TOKEN_FIELDS =
      List.of("token_secret", "token_env", "access_token");

  @Override
  public void check(JsonNode spec, DocumentProblems problems) {
    JsonNode url = spec.get("git_url");
    if (url != null && url.isTextual()) {
      GitRemote.parse(url.asText())
          .ifPresent(remote -> remote.problems().forEach(p -> problems.add("spec.git_url", p)));
    }
    List<String> given = TOKEN_FIELDS.stream().filter(spec::hasNonNull).toList();
    if (given.size() > 1) {
      String second = "spec." + given.get(1);
      problems.add(
          second,
          "only one of token_secret, token_env and access_token may be set; found "
              + String.join(" and ", given));
    }
  }
}
