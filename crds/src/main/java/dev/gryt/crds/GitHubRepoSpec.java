package dev.gryt.crds;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** Where the code lives and how to reach it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "[has(self.token_secret), has(self.token_env), has(self.access_token)]"
            + ".filter(x, x).size() <= 1",
    message = "only one of token_secret, token_env and access_token may be set")
@JsonPropertyOrder({"git_url", "branch", "is_private", "token_secret", "token_env", "access_token"})
public class GitHubRepoSpec {
  public static final String DEFAULT_BRANCH = "main";

  @JsonProperty("git_url")
  @Required
  @Pattern(FieldFormats.GIT_URL)
  public String gitUrl;

  @Default(DEFAULT_BRANCH)
  public String branch;

  @JsonProperty("is_private")
  public Boolean isPrivate;

  @JsonProperty("token_secret")
  @JsonPropertyDescription("Name of the secret that holds the access token.")
  public String tokenSecret;

  @JsonProperty("token_env")
  @JsonPropertyDescription("Environment variable of the server that holds the access token.")
  public String tokenEnv;

  @JsonProperty("access_token")
  @JsonPropertyDescription("Inline access token; write-only, never returned.")
  public String accessToken;
}
