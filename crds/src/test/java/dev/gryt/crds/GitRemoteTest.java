package dev.gryt.crds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.crds.GitRemote.Transport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GitRemoteTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "https://github.com/org/app.git         | HTTPS  | ''   | github.com   | 443",
        "http://127.0.0.1:8080/r.git            | HTTP   | ''   | 127.0.0.1    | 8080",
        "https://x-access-token:t@host/r        | HTTPS  | x-access-token | host | 443",
        "http://[::1]:9/r                       | HTTP   | ''   | ::1          | 9",
        "ssh://git@github.com/org/app.git       | SSH    | git  | github.com   | 22",
        "ssh://git@github.com:2222/org/app.git  | SSH    | git  | github.com   | 2222",
        "git+ssh://h/r                          | SSH    | ''   | h            | 22",
        "git://example.org/r                    | GIT    | ''   | example.org  | 9418",
        "git@github.com:org/app.git             | SSH    | git  | github.com   | 22",
        "github.com:org/app.git                 | SSH    | ''   | github.com   | 22",
        "git@[fe80::1]:org/app.git              | SSH    | git  | fe80::1      | 22",
        "file:///tmp/gryt-hello.git             | LOCAL  | ''   | ''           | -1",
        "FILE:///etc                            | LOCAL  | ''   | ''           | -1",
        "/tmp/gryt-hello.git                    | LOCAL  | ''   | ''           | -1",
        "../repo                                | LOCAL  | ''   | ''           | -1",
        "./a:b                                  | LOCAL  | ''   | ''           | -1",
        "ext::sh -c touch% /tmp/x               | HELPER | ''   | ''           | -1",
        "fd::0                                  | HELPER | ''   | ''           | -1",
        "https::https://host/r                  | HELPER | ''   | ''           | -1",
        "svn://host/r                           | HELPER | ''   | ''           | -1",
      })
  void readsRemotesAsGitDoes(String url, Transport transport, String user, String host, int port) {
    GitRemote remote = GitRemote.parse(url).orElseThrow();
    assertThat(remote).isEqualTo(new GitRemote(transport, user, host, port));
    assertThat(remote.isLocal()).isEqualTo(!transport.isNetwork());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "ssh://-oProxyCommand=touch%20/tmp/x/r       | the host must not start with '-'",
        "ssh://%2doProxyCommand=id/r                 | the host must not start with '-'",
        "ssh://-oProxyCommand=id@host/r              | the user must not start with '-'",
        "-oProxyCommand=id@host:r                    | the user must not start with '-'",
        "git@-oProxyCommand=id:r                     | the host must not start with '-'",
        "ssh:///r                                    | the URL names no host",
        "https://a b/r                               | the host may hold only letters, digits,"
            + " '.', '-', '_' and ':'",
      })
  void optionLikeHostsAndUsersAreProblems(String url, String problem) {
    assertThat(GitRemote.problemsOf(url)).contains(problem);
  }

  @ParameterizedTest
  @CsvSource({
    "https://github.com/org/app.git",
    "git@github.com:org/app.git",
    "file:///tmp/gryt-hello.git",
    "ssh://git@host:22/r"
  })
  void ordinaryRemotesHaveNoProblems(String url) {
    assertThat(GitRemote.problemsOf(url)).isEmpty();
  }
}
